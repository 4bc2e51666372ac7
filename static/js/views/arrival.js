/* The log-arrival sheet: ticket, business, done. The triage suggestion shows as soon as the business is
   chosen (computed here, offline too); the record goes through the outbox and the board shows it at once.
   One opening of the sheet is one record: a second tap sends the same id, and a ticket already on the
   board is shown, not logged again. */
import { newId, send, store } from "../api.js";
import { Kind } from "../kinds.js";
import { closeSheet, fieldError } from "../dom.js";
import { t } from "../i18n.js";
import { branchSettings } from "../settings.js";
import { guideChecklist } from "../guides.js";
import { notify } from "../toast.js";
import { explain, triage } from "../triage.js";
import { channelEstimate, openRowWithTicket, selfServiceDown, showRow } from "./floor.js";

const DB = self.LobbypadDB;
const WITH_AMOUNT = new Set(["withdrawal", "deposit", "transfer"]);
const Outbox = self.LobbypadOutbox;
let customer = null;  // {id, greeting_name, tier} when logged from a customer card
let recordId = null;  // the id of the record this opening of the sheet makes
let saving = false;

function nextTicket(last) {
  const match = /^([A-Z]*)(\d+)$/.exec(last || "");
  if (!match) return "";
  const number = String(Number(match[2]) + 1).padStart(match[2].length, "0");
  return `${match[1]}${number}`;
}

function formValues(form) {
  const data = new FormData(form);
  return {
    ticket: (data.get("ticket") || "").trim().toUpperCase(),
    business_type: data.get("business_type"),
    amount: (data.get("amount") || "").trim(),
    flags: data.getAll("flags"),
    channel: data.get("channel") || null,
    override_reason: (data.get("override_reason") || "").trim(),
  };
}


function validate(form, values) {
  const errors = {};
  if (!/^[A-Z0-9-]{1,16}$/.test(values.ticket)) errors.ticket = t("ticket_required");
  if (!values.business_type) errors.business_type = t("business_required");
  if (values.amount !== "" && !(Number(values.amount) > 0 && Number(values.amount) <= 1e8)) errors.amount = t("amount_invalid");
  if (values.channel && !values.override_reason) errors.override_reason = t("reason_required");
  ["ticket", "business_type", "amount", "override_reason"].forEach((f) => fieldError(form, f, errors[f]));
  return errors;
}

async function suggestionFor(values) {
  if (!values.business_type) return null;
  const amount = WITH_AMOUNT.has(values.business_type) && values.amount !== "" ? Number(values.amount) : null;
  return triage(values.business_type, amount, customer ? customer.tier : "ordinary", values.flags, await branchSettings(),
    selfServiceDown());
}

/** The chosen business's guide, drawn afresh only when the business changes (ticks stay while typing). */
function showGuide(form, business) {
  const box = form.querySelector("[data-arrival-guide]");
  if (box.dataset.business === (business || "")) return;
  box.dataset.business = business || "";
  const list = business ? guideChecklist(business) : null;
  box.querySelector("[data-guide-lines]").replaceChildren(...(list ? [list] : []));
  box.hidden = !list;
}

async function preview(form) {
  const values = formValues(form);
  showGuide(form, values.business_type);
  form.querySelector("[data-amount-field]").hidden = !WITH_AMOUNT.has(values.business_type);
  const suggestion = await suggestionFor(values);
  const minutes = suggestion ? channelEstimate(suggestion.channel) : null;
  const wait = minutes === null || minutes === undefined ? "" : ` · ${t("wait.about", { minutes })}`;
  form.querySelector("[data-suggestion]").textContent = suggestion
    ? t("suggestion", { reason: explain(suggestion.rule, suggestion.params, suggestion.channel) }) + wait : "";
}

export async function openArrival(forCustomer = null) {
  const dialog = document.querySelector("[data-arrival-dialog]");
  const form = dialog.querySelector("form");
  form.reset();
  recordId = newId();
  showExisting(form, null);
  customer = forCustomer;
  const who = form.querySelector("[data-arrival-customer]");
  who.hidden = !customer;
  who.textContent = customer ? customer.greeting_name : "";
  const last = await DB.get("meta", "lastTicket");
  form.ticket.value = nextTicket(last && last.value);
  ["ticket", "business_type", "amount", "override_reason"].forEach((f) => fieldError(form, f, ""));
  await preview(form);
  dialog.showModal();
  form.ticket.focus();
  form.ticket.select();
}

/** "A050 is already on the board": the field says so and a button opens the row (null: hide it). */
function showExisting(form, row) {
  const button = form.querySelector("[data-show-existing]");
  button.hidden = !row;
  button.onclick = row ? () => { form.closest("dialog").close(); showRow(row.id); } : null;
  if (row) fieldError(form, "ticket", t("ticket_on_board", { ticket: row.ticket }));
}

async function submit(form) {
  if (saving) return;  // a second tap while the first is being saved
  const button = form.querySelector("[data-arrival-submit]");
  saving = true;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    await save(form);
  } finally {
    saving = false;
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

async function save(form) {
  const values = formValues(form);
  if (Object.keys(validate(form, values)).length) {
    form.querySelector("[aria-invalid=true]")?.focus();
    return;
  }
  const existing = await openRowWithTicket(values.ticket);
  showExisting(form, existing && existing.id !== recordId ? existing : null);
  if (existing && existing.id !== recordId) {
    form.ticket.focus();
    return;
  }
  const id = recordId;
  const body = {
    id, ticket: values.ticket, business_type: values.business_type, flags: values.flags,
    arrived_at: new Date().toISOString(),
  };
  if (WITH_AMOUNT.has(values.business_type) && values.amount !== "") body.amount = Number(values.amount);
  if (customer) body.customer_id = customer.id;
  if (values.channel) Object.assign(body, { channel: values.channel, override_reason: values.override_reason });
  const suggestion = await suggestionFor(values);
  await DB.put("meta", { key: "lastTicket", value: values.ticket });
  // Shown on the board before the server answers; the server's triage replaces it when synced.
  const local = { customer, triage: suggestion };
  closeSheet(form.closest("dialog"), form.querySelector("[data-arrival-submit]"));
  // The sheet is free again once the record is on the phone; what the network does is told by the toast.
  report(await store({ kind: Kind.VISIT_CREATE, url: "/api/v1/visits", body, local }), values, suggestion);
}

async function report(record, values, suggestion) {
  const id = record.id;
  const result = await send(record);
  const channel = t(`channel.${values.channel || suggestion.channel}`);
  let message;
  if (result.rejected && result.rejected.error.code === "ticket_on_board") {
    // Another phone (or the queue machine) logged it first: the visit is there, nothing of this one is lost.
    await Outbox.dismissRejected(id);
    message = result.rejected.error.message;
  } else if (result.rejected) message = t("action_failed", { message: result.rejected.error.message });
  else if (result.sent) {
    message = t("arrival_logged", { ticket: values.ticket, channel });
    if (result.answer && result.answer.wait) message = `${message} · ${result.answer.wait.text}`;  // "4 ahead, about 12 min"
  }
  else message = t("arrival_logged_offline", { ticket: values.ticket, channel });
  notify(message);
}

export function initArrival() {
  const dialog = document.querySelector("[data-arrival-dialog]");
  if (!dialog) return;
  const form = dialog.querySelector("form");
  form.addEventListener("input", () => preview(form));
  form.addEventListener("change", () => preview(form));
  form.addEventListener("submit", (event) => { event.preventDefault(); submit(form); });
  document.querySelectorAll("[data-close-dialog]").forEach((button) => {
    button.addEventListener("click", () => button.closest("dialog").close());
  });
  document.querySelectorAll("[data-open-arrival]").forEach((button) => {
    button.addEventListener("click", () => openArrival());
  });
}
