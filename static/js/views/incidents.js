/* Incidents and lost property. "Incident" on the floor is one tap per kind: saved through the outbox and
   pushed to the supervisors and the lobby managers on duty. Each open incident shows what to do for its kind
   (domain.md's safety section, sent with the page so it is there offline), one-tap records of what was done,
   and closing with what happened. The lost-property register: record, search, hand on, return. */
import { newId, read, store, send, write } from "../api.js";
import { Kind } from "../kinds.js";
import { closeSheet, el, fieldErrors } from "../dom.js";
import { dateTimeOf } from "../dates.js";
import { t } from "../i18n.js";
import { told } from "../screen.js";
import { notify } from "../toast.js";

const Outbox = self.LobbypadOutbox;
const INCIDENTS_URL = "/api/v1/incidents";
const LOST_URL = "/api/v1/lost-items";
const catalog = JSON.parse(document.getElementById("incident-catalog")?.textContent || "{}");
let root = null;
let highlighted = null;

/** Replace a list's rows without losing what the user is typing in them (a redraw comes after every sync). */
function redraw(list, rows) {
  const typed = new Map(Array.from(list.querySelectorAll("input[id]"), (input) => [input.id, input.value]));
  const focused = document.activeElement && list.contains(document.activeElement) ? document.activeElement.id : null;
  list.replaceChildren(...rows);
  for (const [id, value] of typed) {
    const input = document.getElementById(id);
    if (input && value) input.value = value;
  }
  if (focused) document.getElementById(focused)?.focus();
}

const dialog = () => document.querySelector("[data-incident-dialog]");

export function openIncident() {
  const sheet = dialog();
  sheet.querySelector("form").reset();
  sheet.showModal();
  sheet.querySelector("button[name=kind]").focus();
}

async function report(kind, note, submitter) {
  const id = newId();
  const body = { id, kind, occurred_at: new Date().toISOString() };
  if (note) body.note = note;
  const record = await store({ kind: Kind.INCIDENT_REPORT, url: INCIDENTS_URL, body, id, local: { kind, note } });
  closeSheet(dialog(), submitter);
  location.hash = `#complaints/incident/${id}`;
  const result = await send(record);
  notify(result.rejected ? told(result) : `${catalog[kind].name} · ${told(result, t("incident.told"))}`);
  if (root) showIncidents(root, id);
}

function stepButton(incidentId, step) {
  const button = el("button", "button small", t(`incident_step.${step}`));
  button.type = "button";
  button.dataset.incidentStep = step;
  button.dataset.incident = incidentId;
  return button;
}

function incidentItem(incident, pendingSteps) {
  const item = catalog[incident.kind];
  const li = el("li", `result incident status-${incident.status}`);
  li.dataset.id = incident.id;
  if (incident.id === highlighted) li.classList.add("highlight");
  const who = incident.reported_by ? incident.reported_by.display_name : t("incident.you");
  li.append(el("strong", "", item.name), el("span", "result-details", [dateTimeOf(incident.occurred_at), who,
    incident.note].filter(Boolean).join(" · ")));
  if (incident.status === "closed") {
    li.append(el("p", "", `${t("incident.closed")}: ${incident.outcome}`));
    return li;
  }
  const todo = el("ol", "checklist");
  todo.setAttribute("aria-label", t("incident.what_to_do"));
  for (const text of item.checklist) todo.append(el("li", "", text));
  li.append(todo);
  const done = el("ul", "timeline");
  for (const action of incident.actions || []) {
    done.append(el("li", "", `${dateTimeOf(action.at)} · ${t(`incident_step.${action.type}`)}${action.note ? ` · ${action.note}` : ""}`));
  }
  for (const record of pendingSteps) {
    done.append(el("li", "pending", `${t(`incident_step.${record.body.type}`)} · ${t("saved_offline")}`));
  }
  li.append(done);
  const buttons = el("div", "row-actions wrap");
  for (const step of item.steps) buttons.append(stepButton(incident.id, step));
  li.append(buttons);
  if (incident.synced !== false) {
    const close = el("form", "form inline-form");
    close.dataset.closeIncident = incident.id;
    const label = el("label", "", t("incident.what_happened"));
    const input = el("input");
    Object.assign(input, { name: "note", maxLength: 2000, id: `incident-close-${incident.id}` });
    label.htmlFor = input.id;
    const submit = el("button", "button small primary", t("incident.close"));
    submit.type = "submit";
    close.append(label, input, el("p", "field-error", ""), submit);
    close.querySelector(".field-error").dataset.errorFor = "note";
    li.append(close);
  } else {
    li.append(el("p", "badge badge-unsynced", t("saved_offline")));
  }
  return li;
}

export async function showIncidents(rootNode, focusId = null) {
  root = rootNode;
  highlighted = focusId || highlighted;
  const list = root.querySelector("[data-incident-list]");
  const status = root.querySelector("[data-incidents-status]");
  const pending = await Outbox.pending();
  let incidents = [];
  try {
    incidents = (await read(INCIDENTS_URL)).data.incidents;
  } catch {
    status.textContent = t("load_failed");
  }
  const known = new Set(incidents.map((i) => i.id));
  const waiting = pending.filter((r) => r.kind === Kind.INCIDENT_REPORT && !known.has(r.id)).map((r) => ({
    id: r.id, kind: r.local.kind, note: r.local.note, occurred_at: r.body.occurred_at, status: "open", actions: [],
    reported_by: null, synced: false }));
  const steps = pending.filter((r) => r.kind === Kind.INCIDENT_STEP);
  const all = [...waiting, ...incidents];
  status.textContent = all.length ? "" : t("incident.none");
  redraw(list, all.map((i) => incidentItem(i, steps.filter((r) => r.local.incidentId === i.id))));
  list.querySelector(".highlight")?.scrollIntoView({ block: "nearest" });
}

async function incidentStep(incidentId, type, note) {
  const body = { id: newId(), type, occurred_at: new Date().toISOString() };
  if (note) body.note = note;
  const result = await write({ kind: Kind.INCIDENT_STEP, url: `${INCIDENTS_URL}/${incidentId}/actions`, body,
    id: body.id, local: { incidentId } });
  notify(result.rejected ? told(result) : `${t(`incident_step.${type}`)} · ${told(result)}`);
  showIncidents(root);
}

// --- lost property ---------------------------------------------------------------------------------

function lostItem(item) {
  const li = el("li", `result lost status-${item.status}`);
  li.append(el("strong", "", item.what), el("span", "result-details", [item.where_found, dateTimeOf(item.found_at),
    item.kept_where, item.handed_to && t("lost.handed", { name: item.handed_to })].filter(Boolean).join(" · ")));
  if (item.status === "returned") {
    li.append(el("p", "", t("lost.returned", { name: item.returned_to, at: dateTimeOf(item.returned_at) })));
    return li;
  }
  const form = el("form", "form inline-form");
  form.dataset.returnItem = item.id;
  const input = el("input");
  Object.assign(input, { name: "returned_to", maxLength: 80, id: `lost-owner-${item.id}` });
  const label = el("label", "", t("lost.owner_name"));
  label.htmlFor = input.id;
  const submit = el("button", "button small", t("lost.return"));
  submit.type = "submit";
  const error = el("p", "field-error", "");
  error.dataset.errorFor = "returned_to";
  form.append(label, input, error, submit);
  li.append(form);
  return li;
}

export async function showLostItems(rootNode) {
  root = rootNode;
  const query = root.querySelector("[data-lost-search]").value.trim();
  const params = new URLSearchParams({ q: query, status: root.querySelector("[data-lost-all]").checked ? "all" : "kept" });
  const status = root.querySelector("[data-lost-status]");
  const waiting = (await Outbox.pending()).filter((r) => r.kind === Kind.LOST_ITEM);
  let items = [];
  try {
    items = (await read(`${LOST_URL}?${params}`)).data.items;
    status.textContent = items.length || waiting.length ? "" : t("lost.none");
  } catch {
    status.textContent = t("load_failed");
  }
  const pendingRows = waiting.map((r) => el("li", "result pending", `${r.body.what} · ${t("saved_offline")}`));
  redraw(root.querySelector("[data-lost-list]"), [...pendingRows, ...items.map(lostItem)]);
}

async function recordLost(form) {
  const body = { id: newId(), what: form.what.value.trim(), where_found: form.where_found.value.trim(),
    found_at: new Date().toISOString() };
  for (const name of ["kept_where", "handed_to"]) if (form[name].value.trim()) body[name] = form[name].value.trim();
  const missing = {};
  if (!body.what) missing.what = t("complaint.required");
  if (!body.where_found) missing.where_found = t("complaint.required");
  fieldErrors(form, missing);
  if (Object.keys(missing).length) return;
  const record = await store({ kind: Kind.LOST_ITEM, url: LOST_URL, body, id: body.id, local: {} });
  form.reset();
  const result = await send(record);
  notify(result.rejected ? told(result) : `${body.what} · ${told(result)}`);
  showLostItems(root);
}

export function initIncidents(rootNode) {
  root = rootNode;
  const sheet = dialog();
  if (sheet) {
    sheet.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      const note = sheet.querySelector("[name=note]").value.trim();
      if (event.submitter?.value) report(event.submitter.value, note, event.submitter);
    });
  }
  document.querySelectorAll("[data-open-incident]").forEach((button) => button.addEventListener("click", openIncident));
  if (!root) return;
  root.addEventListener("click", (event) => {
    const button = event.target.closest("[data-incident-step]");
    if (button) incidentStep(button.dataset.incident, button.dataset.incidentStep);
  });
  root.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.closeIncident) {
      event.preventDefault();
      const note = form.note.value.trim();
      if (!note) {
        fieldErrors(form, { note: t("incident.say_what") });
        return;
      }
      incidentStep(form.dataset.closeIncident, "close", note);
    } else if (form.dataset.returnItem) {
      event.preventDefault();
      const name = form.returned_to.value.trim();
      if (!name) {
        fieldErrors(form, { returned_to: t("complaint.required") });
        return;
      }
      write({ kind: Kind.LOST_ITEM_STEP, url: `${LOST_URL}/${form.dataset.returnItem}/steps`,
        body: { returned_to: name, occurred_at: new Date().toISOString() }, local: {} })
        .then((result) => { notify(told(result)); showLostItems(root); });
    } else if (form.matches("[data-lost-form]")) {
      event.preventDefault();
      recordLost(form);
    }
  });
  let searchTimer = null;
  root.querySelector("[data-lost-search]").addEventListener("input", () => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => showLostItems(root), 250);
  });
  root.querySelector("[data-lost-all]").addEventListener("change", () => showLostItems(root));
}
