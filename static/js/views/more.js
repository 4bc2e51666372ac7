/* The "More" screen: the work log (the first write that goes through the outbox), language, sync, sign-out. */
import { read, write, newId } from "../api.js";
import { el } from "../dom.js";
import { age, t } from "../i18n.js";
import { coalesce } from "../timing.js";

const Outbox = self.LobbypadOutbox;
const DB = self.LobbypadDB;
const WORKLOG_URL = "/api/v1/worklog/entries";

function timeOf(iso) {
  return new Date(iso).toLocaleTimeString(document.documentElement.lang, { hour: "2-digit", minute: "2-digit" });
}

function item(text, meta, pending) {
  const li = document.createElement("li");
  li.className = pending ? "list-item pending" : "list-item";
  const body = document.createElement("p");
  body.textContent = text;
  const small = document.createElement("small");
  small.textContent = meta;
  li.append(body, small);
  return li;
}

let rendering = null;
let renderAgain = false;

/** Coalesces bursts of outbox events into at most one render in flight and one after it. */
function renderWorklog() {
  if (rendering) {
    renderAgain = true;
    return rendering;
  }
  rendering = drawWorklog().finally(() => {
    rendering = null;
    if (renderAgain) {
      renderAgain = false;
      renderWorklog();
    }
  });
  return rendering;
}

async function drawWorklog() {
  const list = document.querySelector("[data-worklog-list]");
  const ageLine = document.querySelector("[data-worklog-age]");
  if (!list) return;
  let entries = [];
  try {
    const result = await read(WORKLOG_URL);
    entries = result.data.entries;
    ageLine.hidden = !result.fromSnapshot;
    ageLine.textContent = result.fromSnapshot ? t("offline_since", { age: age(Date.now() - result.at) }) : "";
  } catch (error) {
    ageLine.hidden = false;
    ageLine.textContent = t("load_failed");
  }
  const known = new Set(entries.map((e) => e.id));
  const pending = (await Outbox.pending()).filter((r) => r.kind === "worklog.entry" && !known.has(r.id));
  list.replaceChildren(
    ...entries.map((e) => item(e.body, `${timeOf(e.occurred_at)} · ${e.author.display_name}`, false)),
    ...pending.map((r) => item(r.body.body, `${timeOf(r.body.occurred_at)} · ${t("not_synced_yet")}`, true)),
  );
  if (!list.children.length) list.append(item(t("worklog_empty"), "", false));
}

function initWorklog() {
  const form = document.querySelector("[data-worklog-form]");
  if (!form) return;
  const feedback = form.querySelector("#worklog-feedback");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = form.body.value.trim();
    if (!text) {
      feedback.textContent = t("worklog_required");
      form.body.setAttribute("aria-invalid", "true");
      form.body.focus();
      return;
    }
    form.body.removeAttribute("aria-invalid");
    const id = newId();
    const result = await write("worklog.entry", "POST", WORKLOG_URL,
      { id, body: text, occurred_at: new Date().toISOString() }, id);
    form.reset();
    feedback.textContent = result.rejected ? result.rejected.error.message : result.sent ? t("saved") : t("saved_offline");
    renderWorklog();
  });
  const renderSoon = coalesce(renderWorklog);
  Outbox.onChange((event) => { if (event.kind === "worklog.entry" || event.type === "flushed") renderSoon(); });
  renderWorklog();
}

function initLanguage() {
  document.querySelectorAll("[data-set-locale]").forEach((button) => {
    button.addEventListener("click", async () => {
      const locale = button.dataset.setLocale;
      const result = await write("me.locale", "PATCH", "/api/v1/me", { preferred_locale: locale }, newId());
      if (result.sent) {
        location.reload();
      } else {
        document.querySelectorAll("[data-set-locale]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
        document.querySelector("[data-sync-detail]").textContent = t("language_queued");
      }
    });
  });
}

/** What a record is, in words: "Arrival A023", "Care given A023", "Work log: …". */
function describe(record) {
  const label = t(`record.${record.kind}`);
  const name = label === `record.${record.kind}` ? record.kind : label;
  const about = (record.local && record.local.ticket) || (record.body && (record.body.ticket || record.body.body)) || "";
  return about ? `${name} · ${String(about).slice(0, 60)}` : name;
}

function pendingItem(record) {
  const parts = [t("waiting_since", { time: timeOf(new Date(record.createdAt).toISOString()) })];
  if (record.attempts) parts.push(t("tried_times", { n: record.attempts }));
  return item(describe(record), parts.join(" · "), true);
}

/** The value at a field's path in a record ("card.serial" → body.card.serial). */
function valueAt(body, path) {
  return path.split(".").reduce((value, key) => (value && typeof value === "object" ? value[key] : undefined), body);
}

/** The fields the server named that the user can correct on the phone (plain values of the record). */
function fixableFields(record) {
  return Object.entries(record.error.fields || {}).filter(([field]) =>
    ["string", "number"].includes(typeof valueAt(record.body, field)));
}

function fixForm(record) {
  const form = el("form", "fix-form");
  form.dataset.fixFor = record.id;
  for (const [field, message] of fixableFields(record)) {
    const id = `fix-${record.id}-${field.replace(/\W/g, "-")}`;
    const name = t(`field.${field}`);
    const label = el("label", null, name === `field.${field}` ? field : name);
    label.htmlFor = id;
    const input = el("input");
    input.id = id;
    input.name = field;
    input.value = String(valueAt(record.body, field));
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", `${id}-error`);
    const error = el("p", "field-error", message);
    error.id = `${id}-error`;
    form.append(label, input, error);
  }
  const send = el("button", "button small", t("fix_and_send"));
  send.type = "submit";
  form.append(send);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const changes = {};
    for (const [field] of fixableFields(record)) {
      const value = form.elements[field].value.trim();
      changes[field] = typeof valueAt(record.body, field) === "number" && value !== "" && !Number.isNaN(Number(value))
        ? Number(value) : value;
    }
    Outbox.resend(record.id, changes);
  });
  return form;
}

function rejectedItem(record) {
  const li = item(describe(record), record.error.message, false);
  li.classList.add("rejected");
  const fixable = fixableFields(record);
  const fields = Object.entries(record.error.fields || {})
    .filter(([field]) => !fixable.some(([name]) => name === field))
    .map(([field, message]) => `${field}: ${message}`);
  if (fields.length) li.append(el("p", "field-error", fields.join(" · ")));
  if (fixable.length) li.append(fixForm(record));
  const actions = el("div", "row-actions");
  const again = el("button", "button small", t("send_again"));
  again.type = "button";
  again.addEventListener("click", () => Outbox.resend(record.id));
  const discard = el("button", "button small danger", t("discard"));
  discard.type = "button";
  discard.addEventListener("click", () => {
    // Discarding loses what was recorded on the floor: only on an explicit yes.
    if (window.confirm(t("discard_confirm", { what: describe(record) }))) Outbox.dismissRejected(record.id);
  });
  actions.append(...(fixable.length ? [] : [again]), discard);
  li.append(actions);
  return li;
}

function noticeItem(notice) {
  const li = item(notice.message, timeOf(new Date(notice.at).toISOString()), false);
  const ok = el("button", "button small", t("understood"));
  ok.type = "button";
  ok.addEventListener("click", () => Outbox.dismissNotice(notice.id));
  li.append(ok);
  return li;
}

/** Redraw a list only when its records changed: a fix being typed survives the status events of a sync. */
function keyedList(list, title) {
  let shown = null;
  return (records, draw) => {
    const key = records.map((r) => `${r.id}:${r.rejectedAt || r.at || ""}`).join(",");
    if (key === shown) return;
    shown = key;
    list.replaceChildren(...records.map(draw));
    title.hidden = records.length === 0;
  };
}

function initSync() {
  const detail = document.querySelector("[data-sync-detail]");
  const pendingList = document.querySelector("[data-pending-list]");
  const lastSync = document.querySelector("[data-last-sync]");
  const others = document.querySelector("[data-others-waiting]");
  const showRejected = keyedList(document.querySelector("[data-rejected-list]"),
    document.querySelector("[data-rejected-title]"));
  const showNotices = keyedList(document.querySelector("[data-notices-list]"),
    document.querySelector("[data-notices-title]"));
  document.querySelector("[data-sync-now]").addEventListener("click", () => Outbox.flush());
  document.addEventListener("lobbypad:status", async ({ detail: state }) => {
    detail.textContent = state.pending.length ? t("pending_sync", { n: state.pending.length }) : t("all_synced");
    pendingList.replaceChildren(...state.pending.slice(0, 50).map(pendingItem));
    document.querySelector("[data-pending-title]").hidden = state.pending.length === 0;
    showRejected(state.rejected, rejectedItem);
    showNotices(await Outbox.notices(), noticeItem);
    const waiting = await Outbox.othersWaiting();
    others.hidden = waiting === 0;
    others.textContent = waiting ? t("others_waiting", { n: waiting }) : "";
    const at = await Outbox.lastSyncAt();
    lastSync.textContent = at ? t("last_sync", { time: timeOf(new Date(at).toISOString()), age: age(Date.now() - at) }) : "";
  });
}

/** Sign-out wipes this user's data from the phone: never while a record of theirs has not reached the
    server (it offers to sync first, and signs out once it has), and refused ones only on an explicit yes. */
function initLogout() {
  const button = document.querySelector("[data-logout]");
  const feedback = document.querySelector("[data-logout-feedback]");
  const warning = document.querySelector("[data-logout-warning]");
  const warningText = document.querySelector("[data-logout-warning-text]");
  const syncFirst = document.querySelector("[data-logout-sync]");
  const discard = document.querySelector("[data-logout-discard]");
  let waitingToSignOut = false;

  async function signOut() {
    const userId = (await DB.get("meta", "userId")).value;
    const csrf = (await DB.get("meta", "csrf")).value;
    const response = await fetch("/api/v1/auth/logout", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf },
    }).catch(() => null);
    if (!response || !response.ok) {
      feedback.textContent = t("logout_needs_network");
      return;
    }
    await DB.wipe(userId);
    await caches.delete("lobbypad-pages");  // cached pages carry the user's name
    location.assign("/login");
  }

  function warn(text, { canSync, canDiscard }) {
    const first = warning.hidden;
    warningText.textContent = text;
    syncFirst.hidden = !canSync;
    discard.hidden = !canDiscard;
    warning.hidden = false;
    // The safe choice has the focus: syncing, or staying signed in (never discarding by a stray Enter).
    if (first) (canSync ? syncFirst : warning.querySelector("[data-logout-cancel]")).focus();
  }

  /** Signs out when nothing of the user's is left to lose; otherwise says what is left and what to do. */
  async function attempt() {
    const [pending, rejected] = await Promise.all([Outbox.pending(), Outbox.rejected()]);
    if (pending.length) {
      warn(waitingToSignOut ? `${t("logout_pending", { n: pending.length })} ${t("logout_waits")}`
        : t("logout_pending", { n: pending.length }), { canSync: !waitingToSignOut, canDiscard: false });
      return;
    }
    waitingToSignOut = false;
    if (rejected.length) {
      warn(t("logout_rejected", { n: rejected.length }), { canSync: false, canDiscard: true });
      return;
    }
    warning.hidden = true;
    await signOut();
  }

  const recheck = coalesce(() => (waitingToSignOut ? attempt() : null));
  Outbox.onChange((event) => { if (["sent", "rejected"].includes(event.type)) recheck(); });
  button.addEventListener("click", async () => {
    feedback.textContent = "";
    await Outbox.flush();
    await attempt();
  });
  syncFirst.addEventListener("click", async () => {
    waitingToSignOut = true;
    await Outbox.flush();
    await attempt();
  });
  discard.addEventListener("click", async () => {
    for (const record of await Outbox.rejected()) await Outbox.dismissRejected(record.id);
    await attempt();
  });
  document.querySelector("[data-logout-cancel]").addEventListener("click", () => {
    waitingToSignOut = false;
    warning.hidden = true;
  });
}

function initDuty() {
  const toggle = document.querySelector("[data-duty-toggle]");
  if (!toggle) return;
  const feedback = document.querySelector("[data-duty-feedback]");
  toggle.addEventListener("change", async () => {
    const onDuty = toggle.checked;
    const result = await write("me.duty", "PUT", "/api/v1/me/duty", { on_duty: onDuty }, newId());
    if (result.rejected) {
      toggle.checked = !onDuty;
      feedback.textContent = t("action_failed", { message: result.rejected.error.message });
    } else {
      feedback.textContent = result.sent ? t(onDuty ? "duty_on" : "duty_off") : t("saved_offline");
    }
  });
}

export function initMore() {
  initDuty();
  initWorklog();
  initLanguage();
  initSync();
  initLogout();
}
