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

function rejectedItem(record) {
  const li = item(describe(record), record.error.message, false);
  li.classList.add("rejected");
  const fields = Object.entries(record.error.fields || {}).map(([field, message]) => `${field}: ${message}`);
  if (fields.length) li.append(el("p", "field-error", fields.join(" · ")));
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
  actions.append(again, discard);
  li.append(actions);
  return li;
}

function initSync() {
  const detail = document.querySelector("[data-sync-detail]");
  const pendingList = document.querySelector("[data-pending-list]");
  const rejectedList = document.querySelector("[data-rejected-list]");
  const lastSync = document.querySelector("[data-last-sync]");
  document.querySelector("[data-sync-now]").addEventListener("click", () => Outbox.flush());
  document.addEventListener("lobbypad:status", async ({ detail: state }) => {
    detail.textContent = state.pending.length ? t("pending_sync", { n: state.pending.length }) : t("all_synced");
    pendingList.replaceChildren(...state.pending.slice(0, 50).map(pendingItem));
    document.querySelector("[data-pending-title]").hidden = state.pending.length === 0;
    rejectedList.replaceChildren(...state.rejected.map(rejectedItem));
    document.querySelector("[data-rejected-title]").hidden = state.rejected.length === 0;
    const at = await Outbox.lastSyncAt();
    lastSync.textContent = at ? t("last_sync", { time: timeOf(new Date(at).toISOString()), age: age(Date.now() - at) }) : "";
  });
}

function initLogout() {
  const button = document.querySelector("[data-logout]");
  const feedback = document.querySelector("[data-logout-feedback]");
  button.addEventListener("click", async () => {
    await Outbox.flush();
    const pending = await Outbox.pending();
    if (pending.length) {
      // Signing out wipes this phone's data: never while a record has not reached the server.
      feedback.textContent = t("logout_blocked", { n: pending.length });
      return;
    }
    const csrf = (await DB.get("meta", "csrf")).value;
    const response = await fetch("/api/v1/auth/logout", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf },
    }).catch(() => null);
    if (!response || !response.ok) {
      feedback.textContent = t("logout_needs_network");
      return;
    }
    await DB.wipe();
    await caches.delete("lobbypad-pages");  // cached pages carry the user's name
    location.assign("/login");
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
