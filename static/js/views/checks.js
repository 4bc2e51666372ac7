/* The opening and closing checks. The day's run of a checklist is ticked item by item (ok, fault, not
   applicable, with a note and a photo), offline too: every phone names the day's run alike (a uuid5 of
   branch, phase and day, as the server does), so two phones ticking offline meet on one run, and the later
   tick of an item wins. A photo is down-scaled on the phone (about 200 KB, no EXIF) before it is stored.
   Below: the branch's open faults with their steps to the fix; supervisors edit the checklist. */
import { newId, read, send, store, write } from "../api.js";
import { Kind } from "../kinds.js";
import { el, fieldErrors, meta } from "../dom.js";
import { dateTimeOf, timeOf } from "../dates.js";
import { t } from "../i18n.js";
import { pollWhileVisible, showAge, snapshotTime, tabShown, told } from "../screen.js";
import { coalesce } from "../timing.js";
import { notify } from "../toast.js";
import { FAULTS_URL, initFaultSheet, openFault, pendingFaults } from "./fault-sheet.js";

const Outbox = self.LobbypadOutbox;
const TEMPLATES_URL = "/api/v1/checks/templates";
const RUNS_URL = "/api/v1/checks/runs";
const RUN_NAMESPACE = "6f1d0c5e-8b7a-4c1e-9a53-1f0e6b2d4c77";  // server/checks/runs.py
const MAX_SIDE = 1600;
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;
const POLL_MS = 30 * 1000;
const RESULTS = ["ok", "fault", "not_applicable"];
const STEPS = { open: ["fixing", "fixed"], reported: ["fixing", "fixed"], fixing: ["fixed"], fixed: ["verified"] };
const isSupervisor = () => meta("role") === "supervisor";

let root = null;
let phase = null;
let data = { templates: [], runs: [], faults: [] };
let snapshotAt = null;
let highlighted = null;
const renderSoon = coalesce(() => render());  // a run of quick taps is drawn once
const previews = new Map();  // photo id → object URL of the photo taken on this phone

/** The branch's local date, YYYY-MM-DD. */
export function branchToday(now = new Date()) {
  return new Intl.DateTimeFormat("en-CA", { timeZone: meta("timezone") || "Asia/Shanghai",
    year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

/** uuid5 (RFC 9562) of `name` in `namespace`: the day's run id, the same on every phone and the server. */
export async function uuid5(namespace, name) {
  const space = namespace.replace(/-/g, "").match(/../g).map((hex) => parseInt(hex, 16));
  const bytes = new Uint8Array([...space, ...new TextEncoder().encode(name)]);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes)).slice(0, 16);
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const runIdFor = (name, day) => uuid5(RUN_NAMESPACE, `${meta("branch")}/${name}/${day}`);

/** A photo as a JPEG of at most MAX_SIDE pixels, drawn afresh (no EXIF, no location). A format this browser
    cannot draw (HEIC on most) goes as it is, when it is small enough: the server reads and cleans it. */
export async function downscale(file) {
  let bitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: "from-image" });
  } catch {
    if (file.size > PHOTO_MAX_BYTES) throw new Error(t("photo.too_large"));
    return file;
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob(
    (blob) => (blob ? resolve(blob) : reject(new Error(t("photo.failed")))), "image/jpeg", 0.8));
}

// --- reading -------------------------------------------------------------------------------------------

async function load() {
  const day = branchToday();
  const [templates, runs, faults] = await Promise.allSettled([
    read(TEMPLATES_URL), read(`${RUNS_URL}?date=${day}`), read(`${FAULTS_URL}?status=all`)]);
  const status = root.querySelector("[data-checks-status]");
  if (templates.status === "fulfilled") data.templates = templates.value.data.templates;
  if (runs.status === "fulfilled") data.runs = runs.value.data.runs;
  if (faults.status === "fulfilled") data.faults = faults.value.data.faults;
  status.textContent = templates.status === "rejected" ? t("load_failed") : "";
  const ages = [templates, runs].filter((r) => r.status === "fulfilled").map((r) => snapshotTime(r.value));
  snapshotAt = ages.find((at) => at !== null) ?? null;
  if (!phase && data.templates.length) {
    // Mornings are for opening; from noon the closing checklist comes first.
    const hour = Number(new Intl.DateTimeFormat("en-GB", { timeZone: meta("timezone") || "Asia/Shanghai",
      hour: "2-digit", hourCycle: "h23" }).format(new Date()));
    const wanted = hour < 12 ? "before_opening" : "after_closing";
    phase = (data.templates.find((x) => x.phase === wanted) || data.templates[0]).phase;
  }
  await render();
}

/** The run shown: the server's, else today's from the current template (not started yet), with this phone's
    unsent ticks on top (the later tick of an item wins, as on the server). */
async function currentRun(pending) {
  const template = data.templates.find((x) => x.phase === phase);
  const run = data.runs.find((r) => r.phase === phase);
  if (!template && !run) return null;
  const id = run ? run.id : await runIdFor(phase, branchToday());
  const items = (run ? run.items : template.items.map((item) => ({ ...item, result: null, history: [] })))
    .map((item) => ({ ...item }));
  const ticks = pending.filter((r) => r.kind === Kind.CHECK_TICK && r.url.startsWith(`${RUNS_URL}/${id}/`));
  for (const record of ticks) {
    const item = items.find((i) => record.url.endsWith(`/items/${i.id}`));
    const latest = item && item.history.length ? item.history[item.history.length - 1].at : null;
    if (item && (!latest || record.body.occurred_at >= latest)) {
      Object.assign(item, { result: record.body.result, note: record.body.note || null,
        photo_id: record.body.photo_id || null, unsynced: true });
    }
  }
  return { id, started: Boolean(run), name: run ? run.name : template.name, items,
    completed_at: run ? run.completed_at : null };
}

// --- drawing -------------------------------------------------------------------------------------------

function phaseButtons() {
  return data.templates.map((template) => {
    const button = el("button", "button small", template.name);
    button.type = "button";
    button.dataset.phase = template.phase;
    button.setAttribute("aria-pressed", String(template.phase === phase));
    return button;
  });
}

function photoOf(photoId) {
  const img = el("img", "check-photo");
  img.alt = t("photo.alt");
  img.src = previews.get(photoId) || `/api/v1/photos/${photoId}`;
  return img;
}

function itemRow(item, index) {
  const li = el("li", "check-item");
  li.dataset.itemId = li.dataset.key = item.id;
  li.dataset.signature = JSON.stringify([item.result, item.note, item.photo_id, Boolean(item.unsynced), item.text,
    item.asset && item.asset.name, (item.history || []).length]);
  li.dataset.result = item.result || "none";
  const textId = `check-text-${item.id}`;
  const line = el("div", "check-line");
  const text = el("span", "check-text", item.text);
  text.id = textId;
  line.append(text);
  if (item.asset) line.append(el("span", "check-asset", item.asset.name));
  li.append(line);
  const choices = el("div", "check-choices");
  choices.setAttribute("role", "group");
  choices.setAttribute("aria-labelledby", textId);
  for (const result of RESULTS) {
    const button = el("button", `button small choice-${result}`, t(`check_result.${result}`));
    button.type = "button";
    button.dataset.tick = result;
    button.setAttribute("aria-pressed", String(item.result === result));
    choices.append(button);
  }
  li.append(choices);
  const said = [item.note, item.unsynced ? t("saved_offline") : null].filter(Boolean).join(" · ");
  if (said) li.append(el("p", item.unsynced ? "check-note pending" : "check-note", said));
  if (item.photo_id) li.append(photoOf(item.photo_id));
  const details = el("details", "check-more");
  details.append(el("summary", "", t("check.note_or_photo")));
  const form = el("form", "form inline-form");
  form.dataset.tickForm = item.id;
  const noteId = `check-note-${index}`;
  const label = el("label", "", t("check.note"));
  label.htmlFor = noteId;
  const note = el("input");
  Object.assign(note, { id: noteId, name: "note", maxLength: 2000 });
  const photoId = `check-photo-${index}`;
  const photoLabel = el("label", "button small", t("check.add_photo"));
  photoLabel.htmlFor = photoId;
  const photo = el("input");
  Object.assign(photo, { id: photoId, name: "photo", type: "file", accept: "image/*", className: "visually-hidden" });
  photo.setAttribute("capture", "environment");
  const preview = el("div", "check-preview");
  preview.dataset.preview = "";
  const error = el("p", "field-error", "");
  error.dataset.errorFor = "photo";
  const buttons = el("div", "row-actions wrap");
  for (const result of RESULTS) {
    const submit = el("button", "button small", t(`check.save_${result}`));
    submit.type = "submit";
    submit.name = "result";
    submit.value = result;
    buttons.append(submit);
  }
  form.append(label, note, photoLabel, photo, preview, error, buttons);
  details.append(form);
  li.append(details);
  return li;
}

function faultRow(fault) {
  const li = el("li", `result fault status-${fault.status}`);
  li.dataset.faultId = li.dataset.key = fault.id;
  li.dataset.signature = JSON.stringify([fault.status, fault.severity, fault.reported_to, fault.vendor_ticket,
    Boolean(fault.unsynced), fault.id === highlighted]);
  if (fault.id === highlighted) li.classList.add("highlight");
  const what = fault.asset ? `${fault.asset.name} · ${fault.symptom}` : fault.symptom;
  li.append(el("strong", "", what));
  const details = [t("fault.since", { time: dateTimeOf(fault.since) }), t(`fault_status.${fault.status}`),
    fault.severity === "impaired" ? t("fault_severity.impaired") : null, fault.reported_to, fault.vendor_ticket,
    fault.unsynced ? t("saved_offline") : null];
  li.append(el("span", "result-details", details.filter(Boolean).join(" · ")));
  if (fault.unsynced) return li;
  const steps = (STEPS[fault.status] || []).filter((step) => step !== "verified" || isSupervisor());
  const buttons = el("div", "row-actions wrap");
  for (const step of steps) {
    const button = el("button", "button small", t(`fault_step.${step}`));
    button.type = "button";
    button.dataset.faultStep = step;
    buttons.append(button);
  }
  if (["open", "reported"].includes(fault.status)) {
    const form = el("form", "form inline-form");
    form.dataset.reportedForm = fault.id;
    for (const [name, key, max] of [["reported_to", "fault.reported_to", 120], ["vendor_ticket", "fault.vendor_ticket", 60]]) {
      const id = `fault-${name}-${fault.id}`;
      const label = el("label", "", t(key));
      label.htmlFor = id;
      const input = el("input");
      Object.assign(input, { id, name, maxLength: max, value: fault[name] || "" });
      form.append(label, input);
    }
    const submit = el("button", "button small", t("fault_step.reported"));
    submit.type = "submit";
    form.append(submit);
    li.append(form);
  }
  li.append(buttons);
  return li;
}

/** Put `rows` in the list. A row whose record did not change (same key and signature) is kept as it is —
    a tap, a half-typed note, an open "note or photo" or a photo chosen are never lost to a redraw; a changed
    row carries over what the user typed or opened in it. */
function redraw(list, rows) {
  const existing = new Map(Array.from(list.children, (row) => [row.dataset.key, row]));
  const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id : null;
  const next = rows.map((row) => {
    const old = existing.get(row.dataset.key);
    if (!old) return row;
    if (old.dataset.signature === row.dataset.signature) return old;
    for (const input of old.querySelectorAll("input[id]:not([type=file])")) {
      const twin = row.querySelector(`#${CSS.escape(input.id)}`);
      if (twin && input.value) twin.value = input.value;
    }
    const details = old.querySelector("details");
    if (details && details.open) row.querySelector("details").open = true;
    const preview = old.querySelector("[data-preview]");
    if (preview && preview.dataset.photoId) row.querySelector("[data-preview]")?.replaceWith(preview);
    return row;
  });
  if (next.length !== list.children.length || next.some((row, i) => list.children[i] !== row)) {
    list.replaceChildren(...next);
  }
  if (focused && !list.contains(document.activeElement)) document.getElementById(focused)?.focus();
}

async function render() {
  if (!root) return;
  const pending = await Outbox.pending();
  root.querySelector("[data-check-phases]").replaceChildren(...phaseButtons());
  showAge(root.querySelector("[data-checks-age]"), snapshotAt);
  const run = await currentRun(pending);
  const progress = root.querySelector("[data-checks-progress]");
  if (run) {
    const done = run.items.filter((item) => item.result).length;
    progress.textContent = run.completed_at
      ? t("check.completed", { time: timeOf(run.completed_at), n: run.items.length })
      : t("check.progress", { done, n: run.items.length });
    redraw(root.querySelector("[data-check-items]"), run.items.map(itemRow));
  } else {
    progress.textContent = "";
    root.querySelector("[data-check-items]").replaceChildren();
  }
  const open = data.faults.filter((f) => ["open", "reported", "fixing"].includes(f.status)
    || (f.status === "fixed" && isSupervisor()));
  const faults = [...pendingFaults(pending, data.faults), ...open];
  root.querySelector("[data-faults-status]").textContent = faults.length ? "" : t("fault.none");
  redraw(root.querySelector("[data-fault-list]"), faults.map(faultRow));
  root.querySelector(".highlight")?.scrollIntoView({ block: "nearest" });
  if (isSupervisor()) drawTemplate();
}

// --- writing -------------------------------------------------------------------------------------------

/** Shown at once on the row (the tap is the record), before the outbox has it. */
function showTicked(row, result) {
  row.dataset.result = result;
  row.querySelectorAll("[data-tick]").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.tick === result)));
}

/** The day's run of `name` is on the server or queued before any of its ticks (once, however many taps wait
    on it: a second copy queued later would be sent after the ticks it must precede). */
const starting = new Map();
function runStarted(name) {
  const known = data.runs.find((r) => r.phase === name);
  if (known) return Promise.resolve(known.id);
  const key = `${name}/${branchToday()}`;
  if (!starting.has(key)) {
    starting.set(key, (async () => {
      const id = await runIdFor(name, branchToday());
      if (!(await Outbox.pending()).some((r) => r.kind === Kind.CHECK_RUN && r.id === id)) {
        await store({ kind: Kind.CHECK_RUN, url: RUNS_URL, id, body: { id, phase: name, date: branchToday() }, local: {} });
      }
      return id;
    })());
  }
  return starting.get(key);
}

async function tick(itemId, result, note = "", photoId = null) {
  const runId = await runStarted(phase);
  const body = { id: newId(), result, occurred_at: new Date().toISOString() };
  if (note) body.note = note;
  if (photoId) body.photo_id = photoId;
  const record = await store({ kind: Kind.CHECK_TICK, method: "PUT", url: `${RUNS_URL}/${runId}/items/${itemId}`,
    body, id: body.id, local: {} });
  renderSoon();
  // Offline, the outbox sends it when the network is back (online event, its timer): trying now would only
  // put off every record queued, once per tap.
  if (!navigator.onLine) return;
  const outcome = await send(record);
  if (outcome.answer && outcome.answer.run) {
    data.runs = [...data.runs.filter((r) => r.id !== outcome.answer.run.id), outcome.answer.run];
  }
  if (outcome.rejected || result === "fault") {
    notify(outcome.rejected ? told(outcome) : `${t("check_result.fault")} · ${told(outcome, t("fault.reported"))}`);
  }
  if (result === "fault") load();
  else renderSoon();
}

async function attachPhoto(input) {
  const form = input.form;
  const preview = form.querySelector("[data-preview]");
  const file = input.files && input.files[0];
  if (!file) return;
  fieldErrors(form, {});
  try {
    const blob = await downscale(file);
    const id = newId();
    await store({ kind: Kind.PHOTO_UPLOAD, method: "PUT", url: `/api/v1/photos/${id}`, body: blob, id, local: {} });
    previews.set(id, URL.createObjectURL(blob));
    preview.dataset.photoId = id;
    preview.replaceChildren(photoOf(id), el("span", "hint", t("photo.kept", { kb: Math.round(blob.size / 1024) })));
  } catch (error) {
    fieldErrors(form, { photo: error.message || t("photo.failed") });
  }
  input.value = "";
}

async function faultStep(faultId, type, extra = {}) {
  const body = { id: newId(), type, occurred_at: new Date().toISOString(), ...extra };
  const result = await write({ kind: Kind.FAULT_STEP, url: `${FAULTS_URL}/${faultId}/actions`, body, id: body.id,
    local: { faultId } });
  notify(result.rejected ? told(result) : `${t(`fault_step.${type}`)} · ${told(result)}`);
  load();
}

// --- the supervisor's editor ---------------------------------------------------------------------------

let editing = null;  // the phase whose lines the editor holds (kept while the supervisor edits)

function lineRow(line, index) {
  const li = el("li", "template-line");
  if (line.id) li.dataset.lineId = line.id;
  if (line.asset) li.dataset.asset = line.asset.id;
  const id = `template-line-${index}`;
  const label = el("label", "visually-hidden", t("check.line", { n: index + 1 }));
  label.htmlFor = id;
  const input = el("input");
  Object.assign(input, { id, name: "text", maxLength: 200, value: line.text || "" });
  const category = el("select");
  category.name = "category";
  category.setAttribute("aria-label", t("check.category"));
  for (const code of ["equipment", "materials", "environment", "safety"]) {
    const option = el("option", "", t(`check_category.${code}`));
    option.value = code;
    option.selected = code === line.category;
    category.append(option);
  }
  const buttons = el("span", "row-actions");
  for (const [move, key] of [["up", "check.move_up"], ["down", "check.move_down"], ["remove", "check.remove"]]) {
    const button = el("button", "button small", t(key));
    button.type = "button";
    button.dataset.move = move;
    button.setAttribute("aria-label", `${t(key)}: ${line.text || t("check.new_line")}`);
    buttons.append(button);
  }
  li.append(label, input, category, buttons);
  return li;
}

function drawTemplate(force = false) {
  const list = root.querySelector("[data-template-lines]");
  if (!list || (!force && editing === phase)) return;
  const template = data.templates.find((x) => x.phase === phase);
  if (!template) return;
  editing = phase;
  list.replaceChildren(...template.items.map(lineRow));
}

function editedLines(list) {
  return Array.from(list.children, (li) => {
    const line = { text: li.querySelector("[name=text]").value.trim(), category: li.querySelector("[name=category]").value };
    if (li.dataset.lineId) line.id = li.dataset.lineId;
    if (li.dataset.asset) line.asset = li.dataset.asset;
    if (!line.text) delete line.text;
    return line;
  }).filter((line) => line.id || line.text);
}

async function saveTemplate(form) {
  const items = editedLines(form.querySelector("[data-template-lines]"));
  if (!items.length) {
    fieldErrors(form, { items: t("check.no_lines") });
    return;
  }
  fieldErrors(form, {});
  const result = await write({ kind: Kind.CHECK_TEMPLATE, method: "PUT", url: `${TEMPLATES_URL}/${phase}`,
    body: { items }, local: {} });
  notify(result.rejected ? told(result) : told(result, t("check.template_saved")));
  if (result.sent) {
    editing = null;
    await load();
  }
}

// --- wiring --------------------------------------------------------------------------------------------

export function showChecks(focusFault = null) {
  highlighted = focusFault;
  return load();
}

export function initChecks() {
  initFaultSheet();
  root = document.querySelector("[data-screen=checks]");
  if (!root) return;
  const route = () => {
    const [screen, kind, id] = location.hash.slice(1).split("/");
    if (screen === "checks") showChecks(kind === "fault" ? id : null);
  };
  window.addEventListener("hashchange", route);
  route();
  root.addEventListener("click", (event) => {
    const phaseButton = event.target.closest("[data-phase]");
    if (phaseButton) {
      phase = phaseButton.dataset.phase;
      render();
      return;
    }
    const choice = event.target.closest("[data-tick]");
    if (choice) {
      const row = choice.closest("[data-item-id]");
      if (choice.dataset.tick === "fault") {  // a fault wants its words: the note opens first
        const details = row.querySelector("details");
        details.open = true;
        details.querySelector("[name=note]").focus();
        return;
      }
      showTicked(row, choice.dataset.tick);
      tick(row.dataset.itemId, choice.dataset.tick);
      return;
    }
    const step = event.target.closest("[data-fault-step]");
    if (step) {
      faultStep(step.closest("[data-fault-id]").dataset.faultId, step.dataset.faultStep);
      return;
    }
    const move = event.target.closest("[data-move]");
    if (move) {
      const li = move.closest("li");
      if (move.dataset.move === "up" && li.previousElementSibling) li.previousElementSibling.before(li);
      else if (move.dataset.move === "down" && li.nextElementSibling) li.nextElementSibling.after(li);
      else if (move.dataset.move === "remove") li.remove();
      move.focus();
      return;
    }
    if (event.target.closest("[data-add-line]")) {
      const list = root.querySelector("[data-template-lines]");
      const row = lineRow({ text: "", category: "materials" }, list.children.length + Date.now() % 100000);
      list.append(row);
      row.querySelector("input").focus();
    }
  });
  root.addEventListener("change", (event) => {
    if (event.target.name === "photo") attachPhoto(event.target);
  });
  root.addEventListener("submit", (event) => {
    const form = event.target;
    event.preventDefault();
    if (form.dataset.tickForm) {
      const preview = form.querySelector("[data-preview]");
      const [note, photoId] = [form.note.value.trim(), preview.dataset.photoId || null];
      form.reset();  // said once: the next redraw must not bring the words or the photo back
      delete preview.dataset.photoId;
      preview.replaceChildren();
      form.closest("details").open = false;
      tick(form.dataset.tickForm, event.submitter?.value || "ok", note, photoId);
    } else if (form.dataset.reportedForm) {
      const extra = {};
      for (const name of ["reported_to", "vendor_ticket"]) if (form[name].value.trim()) extra[name] = form[name].value.trim();
      faultStep(form.dataset.reportedForm, "reported", extra);
    } else if (form.matches("[data-template-form]")) {
      saveTemplate(form);
    }
  });
  const loadSoon = coalesce(load);  // a sync sends many ticks: read once after the burst
  Outbox.onChange((event) => {
    if (!event.kind || !/^(fault|check|photo)\./.test(event.kind)) return;
    if (event.type === "sent" || event.type === "rejected") loadSoon();
    else renderSoon();
  });
  pollWhileVisible(load, POLL_MS, tabShown("checks"));
}
