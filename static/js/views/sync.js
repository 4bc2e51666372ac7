/* The Sync panel (More → Sync) and signing out. What waits and since when; what the server refused and why
   (fix the field and send, send again, or discard after a confirmation); what it accepted after the visit
   had moved on; the last sync. Sign-out never loses a record: it offers to sync first. */
import { el, listItem } from "../dom.js";
import { timeOf } from "../dates.js";
import { age, t } from "../i18n.js";
import { coalesce } from "../timing.js";
import { askToSignIn } from "../idle-lock.js";
import { sessionEnded } from "../session.js";

const Outbox = self.LobbypadOutbox;
const DB = self.LobbypadDB;

/** What a record is about, in words a colleague would use: the ticket, the customer, the note, the cards. */
function about(record) {
  const local = record.local || {};
  const body = record.body || {};
  if (local.about) return local.about;
  if (local.ticket || body.ticket) return local.ticket || body.ticket;
  if (body.family_name) return `${body.family_name}${body.honorific ? ` ${body.honorific}` : ""}`;
  if (body.prefix !== undefined && body.first !== undefined) return `${body.prefix}${body.first}–${body.prefix}${body.last}`;
  return body.body || "";
}

/** What a record is, in words: "Arrival · A023", "Referral · Ms Fang", "Work log · ATM 2 …". */
function describe(record) {
  const label = t(`record.${record.kind}`);
  const name = label === `record.${record.kind}` ? record.kind : label;
  const what = about(record);
  return what ? `${name} · ${String(what).slice(0, 60)}` : name;
}

function pendingItem(record) {
  const parts = [t("waiting_since", { time: timeOf(new Date(record.createdAt).toISOString()) })];
  if (record.attempts) parts.push(t("tried_times", { n: record.attempts }));
  return listItem(describe(record), parts.join(" · "), true);
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
  const li = listItem(describe(record), record.error.message, false);
  li.classList.add("rejected");
  const fixable = fixableFields(record);
  const fields = Object.entries(record.error.fields || {})
    .filter(([field]) => !fixable.some(([name]) => name === field))
    .map(([field, message]) => `${field}: ${message}`);
  if (fields.length) li.append(el("p", "field-error", fields.join(" · ")));
  if (record.numbersRemoved) li.append(el("p", "hint", t("numbers_removed_here")));
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
  const li = listItem(notice.message, timeOf(new Date(notice.at).toISOString()), false);
  const ok = el("button", "button small", t("understood"));
  ok.type = "button";
  ok.setAttribute("aria-label", `${t("understood")}: ${notice.message}`);
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

export function initSync() {
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
export function initLogout() {
  const button = document.querySelector("[data-logout]");
  const feedback = document.querySelector("[data-logout-feedback]");
  const warning = document.querySelector("[data-logout-warning]");
  const warningText = document.querySelector("[data-logout-warning-text]");
  const syncFirst = document.querySelector("[data-logout-sync]");
  const discard = document.querySelector("[data-logout-discard]");
  const signInFirst = document.querySelector("[data-logout-sign-in]");
  const keep = document.querySelector("[data-logout-keep]");
  let waitingToSignOut = false;

  async function signOut() {
    const userId = (await DB.get("meta", "userId")).value;
    const csrf = (await DB.get("meta", "csrf")).value;
    const ended = await sessionEnded();  // nothing left to end on the server
    const response = await fetch("/api/v1/auth/logout", {
      method: "POST", credentials: "same-origin", headers: { "X-CSRF-Token": csrf },
    }).catch(() => null);
    if (!ended && (!response || !response.ok)) {
      feedback.textContent = t("logout_needs_network");
      return;
    }
    // With the session over, what waits can only be sent by signing in again: it stays on the phone.
    await DB.wipe(userId, { keepRecords: ended });
    await caches.delete("lobbypad-pages");  // cached pages carry the user's name
    location.assign("/login");
  }

  function warn(text, { canSync = false, canDiscard = false, canSignIn = false }) {
    const first = warning.hidden;
    warningText.textContent = text;
    syncFirst.hidden = !canSync;
    discard.hidden = !canDiscard;
    signInFirst.hidden = !canSignIn;
    keep.hidden = !canSignIn;
    warning.hidden = false;
    // The safe choice has the focus: syncing, or staying signed in (never discarding by a stray Enter).
    if (first) (canSync ? syncFirst : canSignIn ? signInFirst : warning.querySelector("[data-logout-cancel]")).focus();
  }

  /** Signs out when nothing of the user's is left to lose; otherwise says what is left and what to do. */
  async function attempt() {
    const [pending, rejected] = await Promise.all([Outbox.pending(), Outbox.rejected()]);
    if (pending.length && await sessionEnded()) {  // syncing first would wait forever
      waitingToSignOut = false;
      warn(t("logout_session_ended", { n: pending.length }), { canSignIn: true });
      return;
    }
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
  signInFirst.addEventListener("click", () => {
    warning.hidden = true;
    askToSignIn();
  });
  keep.addEventListener("click", () => signOut());
  discard.addEventListener("click", async () => {
    for (const record of await Outbox.rejected()) await Outbox.dismissRejected(record.id);
    await attempt();
  });
  document.querySelector("[data-logout-cancel]").addEventListener("click", () => {
    waitingToSignOut = false;
    warning.hidden = true;
  });
}
