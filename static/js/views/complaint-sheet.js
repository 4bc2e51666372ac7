/* The complaint capture sheet: how it came, what happened, the cause and business in a few taps (the common
   choices first), prefilled from the board's row or the customer's card. Saved through the outbox, so a
   complaint captured offline is kept and sent once; its clocks start at the time on this phone. */
import { newId, read, store, send } from "../api.js";
import { Kind } from "../kinds.js";
import { closeSheet, el, fieldErrors } from "../dom.js";
import { t } from "../i18n.js";
import { told } from "../screen.js";
import { notify } from "../toast.js";

export const COMPLAINTS_URL = "/api/v1/complaints";
const STAFF_URL = "/api/v1/complaints/staff";
// The complaint's business, guessed from the visit's (the lobby manager may change it).
const BUSINESS_OF_VISIT = {
  withdrawal: "rmb_cash", deposit: "rmb_cash", balance_enquiry: "savings", account_opening: "savings",
  account_closing: "savings", transfer: "payment_settlement", card_services: "bank_cards",
  wealth_management: "wealth_agency", fx: "other", loan_enquiry: "loans", corporate: "other", other: "other",
};
let prefill = {};
let recordId = null;

const dialog = () => document.querySelector("[data-complaint-dialog]");

/** Fill every staff picker (who a complaint is about, whom to hand it to) from the branch's staff. */
export async function loadStaff() {
  try {
    const { data } = await read(STAFF_URL);
    document.querySelectorAll("[data-staff-select]").forEach((select) => {
      const keep = select.value;
      select.replaceChildren(el("option", "", "—"), ...data.staff.map((person) => {
        const option = el("option", "", `${person.display_name} · ${person.role_name}`);
        option.value = person.id;
        return option;
      }));
      select.value = keep;
      select.options[0].value = "";
    });
    return data.staff;
  } catch {
    return [];
  }
}

/** Open the sheet; `from`: {visitId, ticket, businessType, customer: {id, greeting_name}} when known. */
export function openComplaint(from = {}) {
  const sheet = dialog();
  const form = sheet.querySelector("form");
  form.reset();
  fieldErrors(form, {});
  prefill = from;
  recordId = newId();
  const about = [from.ticket, from.customer && from.customer.greeting_name].filter(Boolean).join(" · ");
  sheet.querySelector("[data-complaint-about]").textContent = about ? t("complaint.from", { who: about }) : "";
  const business = BUSINESS_OF_VISIT[from.businessType];
  if (business) form.querySelector(`[name=business][value=${business}]`).checked = true;
  sheet.querySelector("[data-media-warning]").hidden = true;
  loadStaff();
  sheet.showModal();
  form.summary.focus();
}

async function save(form, submitter) {
  const value = (name) => (form.querySelector(`[name=${name}]:checked`) || {}).value;
  const body = {
    id: recordId,
    received_via: value("received_via"),
    received_at: new Date().toISOString(),
    summary: form.summary.value.trim(),
    arose_at: value("arose_at"),
    business: value("business"),
    cause: value("cause"),
    severity: form.severity.value,
  };
  for (const name of ["asks", "details", "about_staff_id", "about_staff_name"]) {
    if (form[name].value.trim()) body[name] = form[name].value.trim();
  }
  if (prefill.visitId) body.visit_id = prefill.visitId;
  if (prefill.customer) body.customer_id = prefill.customer.id;
  const missing = {};
  if (!body.summary) missing.summary = t("complaint.say_what");
  if (!body.cause) missing.cause = t("complaint.choose");
  if (!body.business) missing.business = t("complaint.choose");
  if (Object.keys(missing).length) {
    fieldErrors(form, missing);
    return;
  }
  const local = { summary: body.summary, received_via: body.received_via, received_at: body.received_at,
    ticket: prefill.ticket || null };
  const record = await store({ kind: Kind.COMPLAINT_CREATE, url: COMPLAINTS_URL, body, id: recordId, local });
  closeSheet(dialog(), submitter);
  notify(t("complaint.saving"));
  const result = await send(record);
  notify(result.rejected ? told(result) : `${t("complaint.recorded")} · ${told(result)}`);
  document.dispatchEvent(new CustomEvent("lobbypad:complaints-changed"));
  if (!result.rejected) location.hash = result.sent ? `#complaints/${recordId}` : "#complaints";
}

export function initComplaintSheet() {
  const sheet = dialog();
  if (!sheet) return;
  const form = sheet.querySelector("form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    save(form, event.submitter);
  });
  form.addEventListener("change", (event) => {
    if (event.target.name === "received_via") {
      sheet.querySelector("[data-media-warning]").hidden = event.target.value !== "media";
    }
  });
}
