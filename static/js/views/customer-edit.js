/* Correcting a customer's record from their card: name and address, tier (mark a VIP), account manager,
   needs, consent, a new phone (which needs the consent asked again). Only what changed is sent (PATCH),
   through the outbox; the server audits old → new with numbers masked. */
import { read, write } from "../api.js";
import { Kind } from "../kinds.js";
import { closeSheet, el, fieldErrors } from "../dom.js";
import { t } from "../i18n.js";
import { told } from "../screen.js";
import { notify } from "../toast.js";

const TEXT = ["family_name", "given_name", "honorific", "needs"];

async function fillManagers(select, chosen) {
  let managers = [];
  try {
    managers = (await read("/api/v1/referrals/account-managers?urgency=follow_up")).data.account_managers;
  } catch (error) { /* offline without a list: the one on record stays choosable */ }
  if (chosen && !managers.some((m) => m.id === chosen.id)) managers.push(chosen);
  select.replaceChildren(select.options[0], ...managers.map((m) => {
    const option = el("option", "", m.display_name);
    option.value = m.id;
    return option;
  }));
  select.value = chosen ? chosen.id : "";
}

/** What the form says that differs from the record: the PATCH body (empty when nothing changed). */
function changes(form, customer) {
  const data = new FormData(form);
  const body = {};
  for (const field of TEXT) {
    const value = String(data.get(field) || "").trim();
    if (value !== (customer[field] || "")) body[field] = value;
  }
  for (const field of ["salutation", "tier"]) if (data.get(field) !== customer[field]) body[field] = data.get(field);
  const manager = data.get("assigned_account_manager_id") || null;
  if (manager !== (customer.account_manager ? customer.account_manager.id : null)) body.assigned_account_manager_id = manager;
  const phone = String(data.get("phone") || "").trim();
  if (phone) body.phone = phone;
  const consent = { contact: data.get("consent_contact") === "yes", marketing: data.get("consent_marketing") === "yes" };
  if (phone || consent.contact !== customer.consent.contact || consent.marketing !== customer.consent.marketing) {
    body.consent = consent;
  }
  return body;
}

export function openEditCustomer(customer, onSaved) {
  const dialog = document.querySelector("[data-edit-customer-dialog]");
  const form = dialog.querySelector("form");
  form.reset();
  fieldErrors(form, {});
  dialog.querySelector("[data-edit-error]").textContent = "";
  for (const field of TEXT) form.elements[field].value = customer[field] || "";
  form.querySelector(`[name=salutation][value=${customer.salutation}]`).checked = true;
  form.querySelector(`[name=tier][value=${customer.tier}]`).checked = true;
  form.querySelector(`[name=consent_contact][value=${customer.consent.contact ? "yes" : "no"}]`).checked = true;
  form.querySelector(`[name=consent_marketing][value=${customer.consent.marketing ? "yes" : "no"}]`).checked = true;
  fillManagers(form.assigned_account_manager_id, customer.account_manager);
  form.onsubmit = async (event) => {
    event.preventDefault();
    const body = changes(form, customer);
    if (!String(body.family_name ?? customer.family_name).trim()) {
      fieldErrors(form, { family_name: t("family_required") });
      return;
    }
    if (!Object.keys(body).length) {
      dialog.close();
      return;
    }
    body.occurred_at = new Date().toISOString();
    const result = await write({ kind: Kind.CUSTOMER_UPDATE, method: "PATCH", url: `/api/v1/customers/${customer.id}`,
      body, local: { customerId: customer.id, about: customer.greeting_name } });
    if (result.rejected) {  // still in the form: fix and save again
      dialog.querySelector("[data-edit-error]").textContent = result.rejected.error.message;
      fieldErrors(form, result.rejected.error.fields || {});
      await self.LobbypadOutbox.dismissRejected(result.record.id);
      return;
    }
    closeSheet(dialog);
    notify(told(result, t("customer_updated")));
    onSaved();
  };
  dialog.showModal();
  form.family_name.focus();
}
