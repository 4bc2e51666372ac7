/* The refer sheet a customer card (or a board row) opens: "has the customer time now?" — an account manager
   now, or the card handed out and a call-back — saved through the outbox. */
import { newId, read, snapshotsToday, write } from "../api.js";
import { Kind } from "../kinds.js";
import { closeSheet, el, fieldErrors } from "../dom.js";
import { t } from "../i18n.js";
import { campaignList, productsOfMonth } from "./campaign.js";
import { notify } from "../toast.js";

const SCREENS = ["refer", "inbox", "referrals"];  // the referrals tab of each role

async function loadManagers(urgency) {
  try {
    const result = await read(`/api/v1/referrals/account-managers?urgency=${urgency}`);
    return result.data.account_managers;
  } catch (error) {
    return [];
  }
}

async function fillManagers(select, urgency) {
  const automatic = select.options[0];
  select.dataset.urgency = urgency;
  const managers = await loadManagers(urgency);
  // The list asked for when the sheet opened ("now": on duty only) may answer after the one asked for the
  // choice made since ("no time": everyone): only the answer for the choice on screen is drawn.
  if (select.dataset.urgency !== urgency) return;
  select.replaceChildren(automatic, ...managers.map((m) => {
    const option = el("option", "", t("ref.manager_option", { name: m.display_name, n: m.open_referrals }));
    option.value = m.id;
    return option;
  }));
}

/** Whether the customer agreed to marketing contact: from the card that opened the sheet, else the customer's
    record (the phone's snapshot offline); undefined when the phone cannot tell (the server will). */
async function marketingConsent(customer) {
  if (customer.consent) return customer.consent.marketing;
  try {
    return (await read(`/api/v1/customers/${customer.id}`)).data.customer.consent.marketing;
  } catch (error) {
    return undefined;
  }
}

/** A numbered card this phone already knows is handed out (the card stock's recent handouts, its own unsent
    referrals): refused at once, offline too, not hours later by the server. Whom it went to, or null. */
async function knownHandout(serial) {
  const stock = (await snapshotsToday(/^\/api\/v1\/cards\/stock$/))[0];
  const handout = stock && stock.data.handouts.find((h) => h.serial === serial);
  if (handout) return handout.customer.full_name;
  const pending = (await self.LobbypadOutbox.pending()).find((r) => r.kind === Kind.REFERRAL_CREATE
    && r.body.card && r.body.card.serial === serial);
  return pending ? (pending.local && pending.local.about) || t("not_synced_yet") : null;
}

export async function openRefer(customer) {
  const dialog = document.querySelector("[data-refer-dialog]");
  const form = dialog.querySelector("form");
  form.reset();
  fieldErrors(form, {});
  const consent = dialog.querySelector("[data-refer-consent]");
  consent.hidden = (await marketingConsent(customer)) === true;  // ask unless known to have agreed
  dialog.querySelector("[data-refer-error]").textContent = "";
  dialog.querySelector("[data-refer-customer]").textContent = customer.greeting_name;
  const where = dialog.querySelector("[data-refer-where]");
  const select = form.account_manager_id;
  const cardFields = dialog.querySelector("[data-refer-card]");
  const serialField = dialog.querySelector("[data-serial-field]");
  cardFields.hidden = true;
  serialField.hidden = true;
  form.onchange = (event) => {
    if (event.target.name === "card_type") serialField.hidden = form.card_type.value !== "vip_experience";
    if (event.target.name !== "urgency") return;
    where.hidden = form.urgency.value !== "now";
    cardFields.hidden = form.urgency.value !== "follow_up";  // no time now: the card handed out instead
    fillManagers(select, form.urgency.value);
  };
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const signals = data.getAll("signals");
    let reason = String(data.get("reason") || "").trim();
    if (!reason && signals.length) reason = signals.map((s) => t(`signal.${s}`)).join(t("list_separator"));
    const errors = {};
    if (!data.get("urgency")) errors.urgency = t("ref.urgency_required");
    if (!reason) errors.reason = t("ref.reason_required");
    if (!consent.hidden && data.get("marketing_consent") !== "yes") {
      errors.marketing_consent = t(data.get("marketing_consent") === "no" ? "ref.no_consent" : "ref.consent_required");
    }
    if (data.get("urgency") === "follow_up" && data.get("card_type") === "vip_experience"
        && !String(data.get("serial") || "").trim()) errors["card.serial"] = t("ref.serial_required");
    const typedSerial = String(data.get("serial") || "").trim().toUpperCase();
    if (!errors["card.serial"] && data.get("card_type") === "vip_experience" && typedSerial) {
      const whom = await knownHandout(typedSerial);
      if (whom) errors["card.serial"] = t("ref.serial_taken", { serial: typedSerial, whom });
    }
    fieldErrors(form, errors);
    if (Object.keys(errors).length) return;
    const id = newId();
    const body = { id, customer_id: customer.id, urgency: data.get("urgency"), reason, signals,
      occurred_at: new Date().toISOString() };
    if (!consent.hidden) body.marketing_consent = true;
    const place = String(data.get("location") || "").trim();
    if (place && body.urgency === "now") body.location = place;
    if (data.get("account_manager_id")) body.account_manager_id = data.get("account_manager_id");
    if (body.urgency === "follow_up" && data.get("card_type")) {
      body.card = { card_type: data.get("card_type") };
      const serial = String(data.get("serial") || "").trim().toUpperCase();
      if (serial && body.card.card_type === "vip_experience") body.card.serial = serial;
    }
    const bestTime = String(data.get("best_time") || "").trim();
    if (bestTime && body.urgency === "follow_up") body.best_time = bestTime;
    const submit = form.querySelector("[data-refer-submit]");
    submit.disabled = true;
    const result = await write({ kind: Kind.REFERRAL_CREATE, url: "/api/v1/referrals", body,
      local: { about: customer.greeting_name } });
    submit.disabled = false;
    if (result.rejected) {
      dialog.querySelector("[data-refer-error]").textContent = result.rejected.error.message;
      fieldErrors(form, result.rejected.error.fields || {});
      await self.LobbypadOutbox.dismissRejected(id);  // still in the form: fix and send again
      return;
    }
    closeSheet(dialog, submit);
    if (result.sent) {
      notify(t("ref.sent_to", { name: result.answer?.referral?.to?.display_name || "" }));
    } else {
      notify(t("ref.saved_offline"));
    }
    const key = SCREENS.find((screen) => document.querySelector(`[data-screen="${screen}"]`));
    if (key) location.hash = result.sent ? `#${key}/${id}` : `#${key}`;
  };
  where.hidden = false;
  fillManagers(select, "now");
  const campaign = dialog.querySelector("[data-refer-campaign]");
  campaign.hidden = true;
  productsOfMonth().then((products) => {
    campaign.querySelector("[data-campaign-list]").replaceChildren(campaignList(products));
    campaign.hidden = !products.length;
  });
  dialog.showModal();
}
