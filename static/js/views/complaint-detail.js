/* One complaint: what happened, its clocks counting down, the outcome, its timeline, and the steps the server
   allows this user now (`allowed_actions`), each taken in the step sheet and sent through the outbox. */
import { newId, read, store, send } from "../api.js";
import { Kind } from "../kinds.js";
import { closeSheet, el, fieldErrors } from "../dom.js";
import { dateTimeOf } from "../dates.js";
import { nameOf } from "../names.js";
import { t } from "../i18n.js";
import { showAge, snapshotTime, told } from "../screen.js";
import { notify } from "../toast.js";
import { clockLine } from "./complaint-clocks.js";
import { COMPLAINTS_URL, loadStaff } from "./complaint-sheet.js";

const Outbox = self.LobbypadOutbox;
// The fields each step's sheet shows (the server checks them again: schemas.py STEP_NEEDS).
const STEP_FIELDS = {
  note: ["note"],
  contact: ["how", "note"],
  hand_on: ["to_user_id", "note"],
  escalate: ["level", "note"],
  extend: ["note", "customer_told"],
  pause: ["note", "customer_told"],
  resume: [],
  reply: ["how", "note"],
  resolve: ["resolution", "how", "note"],
  withdraw: ["note"],
  merge: ["merge_into_id", "note"],
  new_facts: ["note"],
  close: ["resolution", "how"],
};
const EVERYDAY = new Set(["note", "contact", "hand_on", "escalate", "reply", "resolve", "close", "resume"]);
let current = null;

const dialog = () => document.querySelector("[data-complaint-step-dialog]");

function line(label, value) {
  const p = el("p", "detail-line");
  p.append(el("span", "detail-label", label), el("span", "", value));
  return p;
}

function render(body, complaint, pending) {
  const parts = [el("h2", "detail-title", complaint.summary)];
  if (complaint.received_via === "media") parts.push(el("p", "alert alert-warning", t("complaint.media_rule")));
  const clocks = el("ul", "complaint-clocks");
  clocks.setAttribute("aria-label", t("complaint.clocks"));
  for (const clock of complaint.deadlines) clocks.append(el("li", `complaint-clock state-${clock.state}`, clockLine(clock)));
  parts.push(clocks);
  parts.push(line(t("complaint.status"), `${t(`c_status.${complaint.status}`)} · ${t(`c_level.${complaint.level}`)}`));
  parts.push(line(t("complaint.owner"), complaint.owner.display_name));
  parts.push(line(t("complaint.received"), `${t(`c_via.${complaint.received_via}`)} · ${dateTimeOf(complaint.received_at)}`));
  if (complaint.customer) parts.push(line(t("complaint.customer"), nameOf(complaint.customer)));
  if (complaint.visit) {
    parts.push(line(t("complaint.visit"), t("complaint.visit_wait", { ticket: complaint.visit.ticket,
      n: complaint.visit.waited_minutes ?? 0 })));
  }
  if (complaint.about_staff) parts.push(line(t("complaint.about"), complaint.about_staff.display_name));
  parts.push(line(t("complaint.class"), [t(`c_arose.${complaint.arose_at}`), t(`c_business.${complaint.business}`),
    t(`c_cause.${complaint.cause}`)].join(" · ")));
  if (complaint.asks) parts.push(line(t("complaint.asks"), complaint.asks));
  if (complaint.details) parts.push(el("p", "detail-text", complaint.details));
  const outcome = complaint.outcome;
  if (outcome.resolution) {
    parts.push(line(t("complaint.resolution"), outcome.resolution));
    if (outcome.customer_response) parts.push(line(t("complaint.response"), t(`c_response.${outcome.customer_response}`)));
    if (outcome.fix) parts.push(line(t("complaint.fix"), outcome.fix));
  }
  // The everyday steps as buttons; the regulator's rarer ones (extend, pause, merge…) one tap further.
  const actions = el("div", "row-actions wrap");
  const more = el("div", "row-actions wrap");
  for (const step of complaint.allowed_actions) {
    const button = el("button", step === "close" || step === "resolve" ? "button small primary" : "button small",
      t(`c_step.${step}`));
    button.type = "button";
    button.dataset.step = step;
    (EVERYDAY.has(step) ? actions : more).append(button);
  }
  if (!complaint.allowed_actions.length && complaint.status === "open") {
    actions.append(el("p", "hint", t("complaint.not_yours")));
  }
  parts.push(actions);
  if (more.children.length) {
    const details = el("details", "more-steps");
    details.append(el("summary", "", t("complaint.more_steps")), more);
    parts.push(details);
  }
  const timeline = el("ol", "timeline");
  timeline.setAttribute("aria-label", t("complaint.timeline"));
  for (const step of complaint.timeline || []) {
    const who = step.actor ? step.actor.display_name : t("complaint.system");
    const what = [t(`c_action.${step.type}`)];
    if (step.level) what.push(t(`c_level.${step.level}`));
    if (step.to && step.type === "hand_on") what.push(step.to.display_name);
    const li = el("li", "", `${dateTimeOf(step.at)} · ${who} · ${what.join(" → ")}`);
    if (step.note) li.append(el("span", "timeline-note", step.note));
    timeline.append(li);
  }
  for (const record of pending) {
    timeline.append(el("li", "pending", `${t(`c_action.${record.body.type}`)} · ${t("saved_offline")}`));
  }
  parts.push(el("h3", "section-title", t("complaint.timeline")), timeline);
  body.replaceChildren(...parts);
}

export async function showComplaint(root, id) {
  const body = root.querySelector("[data-complaint-body]");
  const pending = (await Outbox.pending()).filter((r) => r.kind === Kind.COMPLAINT_STEP && r.local.complaintId === id);
  try {
    const result = await read(`${COMPLAINTS_URL}/${id}`);
    current = result.data.complaint;
    showAge(root.querySelector("[data-complaints-age]"), snapshotTime(result));
    render(body, current, pending);
  } catch (error) {
    current = null;
    const waiting = (await Outbox.pending()).find((r) => r.id === id);
    body.replaceChildren(el("p", "hint", waiting ? t("complaint.waiting_sync") : t("load_failed")));
  }
}

async function openStep(step) {
  const sheet = dialog();
  const form = sheet.querySelector("form");
  form.reset();
  fieldErrors(form, {});
  let fields = STEP_FIELDS[step];
  if (step === "close" && current.status === "resolved") fields = [];
  if (step === "extend" && current.extensions === 1) fields = ["approved_by", ...fields];
  sheet.querySelectorAll("[data-step-field]").forEach((box) => { box.hidden = !fields.includes(box.dataset.stepField); });
  sheet.querySelector("[data-step-title]").textContent = t(`c_step.${step}`);
  sheet.querySelector("[data-step-hint]").textContent = t(`c_hint.${step}`);
  sheet.querySelector("[data-note-label]").textContent = ["hand_on", "extend", "escalate"].includes(step)
    ? t("complaint.reason") : t("complaint.note");
  form.dataset.step = step;
  if (step === "escalate") {
    const levels = ["lobby_manager", "service_quality_lead", "vice_head", "head", "branch_office"];
    form.level.value = levels[Math.min(levels.indexOf(current.level) + 1, levels.length - 1)];
  }
  if (fields.includes("to_user_id")) await loadStaff();
  if (step === "merge") {
    const { data } = await read(`${COMPLAINTS_URL}?status=open`).catch(() => ({ data: { complaints: [] } }));
    form.merge_into_id.replaceChildren(...data.complaints.filter((c) => c.id !== current.id).map((c) => {
      const option = el("option", "", `${dateTimeOf(c.received_at)} · ${c.summary}`);
      option.value = c.id;
      return option;
    }));
  }
  sheet.showModal();
  sheet.querySelector("[data-step-field]:not([hidden]) :is(input, select, textarea)")?.focus();
}

async function submitStep(form, submitter) {
  const step = form.dataset.step;
  const shown = (name) => !form.querySelector(`[data-step-field="${name}"]`)?.hidden;
  const body = { id: newId(), type: step, occurred_at: new Date().toISOString() };
  for (const name of ["note", "to_user_id", "level", "how", "approved_by", "merge_into_id", "resolution"]) {
    if (shown(name) && form[name].value.trim()) body[name] = form[name].value.trim();
  }
  if (shown("resolution")) {
    const response = form.querySelector("[name=customer_response]:checked");
    if (response) body.customer_response = response.value;
    for (const name of ["root_cause", "fix"]) if (form[name].value.trim()) body[name] = form[name].value.trim();
    body.valid = form.valid.checked;
  }
  if (shown("customer_told")) body.customer_told = form.customer_told.checked;
  const missing = {};
  if (["note", "hand_on", "extend", "pause", "new_facts"].includes(step) && !body.note) missing.note = t("complaint.required");
  if (step === "hand_on" && !body.to_user_id) missing.to_user_id = t("complaint.required");
  if (shown("customer_told") && !body.customer_told) missing.customer_told = t("complaint.tell_first");
  if (shown("resolution") && !body.resolution) missing.resolution = t("complaint.required");
  if (shown("resolution") && !body.customer_response) missing.customer_response = t("complaint.required");
  if (Object.keys(missing).length) {
    fieldErrors(form, missing);
    return;
  }
  const complaintId = current.id;
  const record = await store({ kind: Kind.COMPLAINT_STEP, url: `${COMPLAINTS_URL}/${complaintId}/actions`, body,
    id: body.id, local: { complaintId } });
  closeSheet(dialog(), submitter);
  const result = await send(record);
  notify(result.rejected ? told(result) : `${t(`c_step.${step}`)} · ${told(result)}`);
  document.dispatchEvent(new CustomEvent("lobbypad:complaints-changed"));
}

export function initComplaintSteps() {
  const sheet = dialog();
  if (!sheet) return;
  const form = sheet.querySelector("form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submitStep(form, event.submitter);
  });
  document.querySelector("[data-complaint-body]")?.addEventListener("click", (event) => {
    const button = event.target.closest("[data-step]");
    if (button && current) openStep(button.dataset.step);
  });
}
