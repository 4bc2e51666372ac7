/* The "More" screen: the work log (the first write that goes through the outbox), duty, language; the Sync
   panel and sign-out are in sync.js. */
import { hold, read, send, store, write, newId } from "../api.js";
import { Kind } from "../kinds.js";
import { t } from "../i18n.js";
import { showAge, snapshotTime, told } from "../screen.js";
import { coalesce } from "../timing.js";
import { el, listItem } from "../dom.js";
import { timeOf } from "../dates.js";
import { notify } from "../toast.js";
import { initAudit } from "./audit.js";
import { initDevices } from "./devices.js";
import { initHolidays } from "./holidays.js";
import { initLogout, initSync } from "./sync.js";

const Outbox = self.LobbypadOutbox;
const WORKLOG_URL = "/api/v1/worklog/entries";
const WORKLOG_KINDS = new Set([Kind.WORKLOG_ENTRY, Kind.WORKLOG_EDIT, Kind.WORKLOG_WITHDRAW]);
const UNDO_MS = 5000;

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

/** The server's notes with this phone's unsent notes, corrections and withdrawals applied on top. */
async function composeNotes(entries) {
  const pending = (await Outbox.pending()).filter((r) => WORKLOG_KINDS.has(r.kind));
  const notes = new Map(entries.map((e) => [e.id, { ...e, pending: false }]));
  for (const record of pending) {
    if (record.kind === Kind.WORKLOG_ENTRY && !notes.has(record.id)) {
      notes.set(record.id, { id: record.id, body: record.body.body, occurred_at: record.body.occurred_at, mine: true, pending: true });
    } else if (record.kind === Kind.WORKLOG_EDIT && notes.has(record.local.noteId)) {
      Object.assign(notes.get(record.local.noteId), { body: record.body.body, pending: true });
    } else if (record.kind === Kind.WORKLOG_WITHDRAW) {
      notes.delete(record.local.noteId);
    }
  }
  return Array.from(notes.values());
}

async function drawWorklog() {
  const list = document.querySelector("[data-worklog-list]");
  const ageLine = document.querySelector("[data-worklog-age]");
  if (!list) return;
  let entries = [];
  try {
    const result = await read(WORKLOG_URL);
    entries = result.data.entries;
    showAge(ageLine, snapshotTime(result));
  } catch (error) {
    ageLine.hidden = false;
    ageLine.textContent = t("load_failed");
  }
  const me = await self.LobbypadDB.get("meta", "userId");
  const notes = await composeNotes(entries.map((e) => ({ ...e, mine: me && e.author.id === me.value })));
  list.replaceChildren(...notes.map((note) => {
    const who = note.pending ? t("not_synced_yet") : note.author.display_name;
    const li = listItem(note.body, `${timeOf(note.occurred_at)} · ${who}${note.edited_at ? ` · ${t("edited")}` : ""}`, note.pending);
    if (note.mine) li.append(noteActions(note));
    return li;
  }));
  if (!list.children.length) list.append(listItem(t("worklog_empty"), "", false));
}

function noteActions(note) {
  const box = el("div", "row-actions");
  for (const [action, label] of [["edit", t("edit")], ["withdraw", t("withdraw")]]) {
    const button = el("button", "button small", label);
    button.type = "button";
    button.dataset.noteAction = action;
    button.dataset.noteId = note.id;
    button.dataset.noteBody = note.body;
    button.setAttribute("aria-label", `${label}: ${note.body.slice(0, 40)}`);
    box.append(button);
  }
  return box;
}

/** The form writes a new note, or corrects the one being edited (form.dataset.editing: its id). */
function startEditing(form, id, body) {
  form.dataset.editing = id;
  form.body.value = body;
  form.querySelector("[data-worklog-submit]").textContent = t("save_changes");
  form.querySelector("[data-worklog-cancel]").hidden = false;
  form.body.focus();
}

function stopEditing(form) {
  delete form.dataset.editing;
  form.reset();
  form.querySelector("[data-worklog-submit]").textContent = t("add_note");
  form.querySelector("[data-worklog-cancel]").hidden = true;
}

async function withdrawNote(id) {
  await hold({ kind: Kind.WORKLOG_WITHDRAW, method: "DELETE", url: `${WORKLOG_URL}/${id}`, body: undefined,
    id: newId(), local: { noteId: id }, holdMs: UNDO_MS }).then((record) => {
    notify(t("note_withdrawn"), { action: t("undo"), ms: UNDO_MS, onAction: async () => {
      notify(t(await Outbox.undo(record.id) ? "note_back" : "undo_too_late_note"));
      renderWorklog();
    } });
  });
  renderWorklog();
}

function initWorklog() {
  const form = document.querySelector("[data-worklog-form]");
  if (!form) return;
  const feedback = form.querySelector("#worklog-feedback");
  let saving = false;
  form.querySelector("[data-worklog-cancel]").addEventListener("click", () => stopEditing(form));
  document.querySelector("[data-worklog-list]").addEventListener("click", (event) => {
    const button = event.target.closest("[data-note-action]");
    if (!button) return;
    if (button.dataset.noteAction === "edit") startEditing(form, button.dataset.noteId, button.dataset.noteBody);
    else withdrawNote(button.dataset.noteId);
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (saving) return;  // a second tap while the first is being kept
    const text = form.body.value.trim();
    if (!text) {
      feedback.textContent = t("worklog_required");
      form.body.setAttribute("aria-invalid", "true");
      form.body.focus();
      return;
    }
    form.body.removeAttribute("aria-invalid");
    const editing = form.dataset.editing;
    const record = editing
      ? { kind: Kind.WORKLOG_EDIT, method: "PATCH", url: `${WORKLOG_URL}/${editing}`, body: { body: text }, id: newId(), local: { noteId: editing } }
      : { kind: Kind.WORKLOG_ENTRY, url: WORKLOG_URL, body: { id: newId(), body: text, occurred_at: new Date().toISOString() } };
    // Cleared as soon as the note is taken, not when the network answers: what the user types meanwhile is
    // the next note, and a second tap finds nothing to send twice.
    stopEditing(form);
    saving = true;  // until the phone has kept it, not until the network answers
    let stored;
    try {
      stored = await store(record);
    } catch (error) {
      if (editing) startEditing(form, editing, text);
      else form.body.value = text;  // the phone could not keep it: it stays in the form
      feedback.textContent = t("not_kept");
      return;
    } finally {
      saving = false;
    }
    const result = await send(stored);
    feedback.textContent = result.rejected ? result.rejected.error.message : result.sent ? t("saved") : t("saved_offline");
    renderWorklog();
  });
  const renderSoon = coalesce(renderWorklog);
  Outbox.onChange((event) => { if (WORKLOG_KINDS.has(event.kind) || event.type === "flushed") renderSoon(); });
  renderWorklog();
}

function initLanguage() {
  document.querySelectorAll("[data-set-locale]").forEach((button) => {
    button.addEventListener("click", async () => {
      const locale = button.dataset.setLocale;
      const result = await write({ kind: Kind.ME_LOCALE, method: "PATCH", url: "/api/v1/me", body: { preferred_locale: locale } });
      if (result.sent) {
        location.reload();
      } else {
        document.querySelectorAll("[data-set-locale]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
        document.querySelector("[data-sync-detail]").textContent = t("language_queued");
      }
    });
  });
}

function initDuty() {
  const toggle = document.querySelector("[data-duty-toggle]");
  if (!toggle) return;
  const feedback = document.querySelector("[data-duty-feedback]");
  toggle.addEventListener("change", async () => {
    const onDuty = toggle.checked;
    const result = await write({ kind: Kind.ME_DUTY, method: "PUT", url: "/api/v1/me/duty", body: { on_duty: onDuty } });
    if (result.rejected) {
      toggle.checked = !onDuty;
      feedback.textContent = t("action_failed", { message: result.rejected.error.message });
    } else {
      feedback.textContent = told(result, t(onDuty ? "duty_on" : "duty_off"));
    }
  });
}

export function initMore() {
  initDuty();
  initWorklog();
  initLanguage();
  initSync();
  initDevices();
  initAudit();
  initHolidays();
  initLogout();
}
