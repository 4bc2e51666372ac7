/* A walk-in found or registered after the arrival: "Who is it?" on the board row opens the customer search in
   linking mode; the customer's card (or the new customer's form, once saved) makes the visit theirs. Through
   the outbox, offline too: the link waits for the arrival (and the new customer) it names. */
import { write } from "../api.js";
import { Kind } from "../kinds.js";
import { t } from "../i18n.js";
import { nameOf } from "../names.js";
import { notify } from "../toast.js";
import { told } from "../screen.js";

let linking = null;  // {visitId, ticket} while the user looks for the customer of a walk-in

/** The walk-in being linked, or null. */
export const linkingVisit = () => linking;

export function startLinking(visit) {
  linking = visit;
  showBanner();
  location.hash = "#customers";
}

export function stopLinking() {
  linking = null;
  showBanner();
}

function showBanner() {
  const banner = document.querySelector("[data-linking]");
  if (!banner) return;
  banner.hidden = !linking;
  banner.querySelector("[data-linking-text]").textContent = linking ? t("linking", { ticket: linking.ticket }) : "";
}

/** Make the walk-in's visit this customer's, then back to the board. */
export async function linkTo(customer) {
  const { visitId, ticket } = linking;
  stopLinking();
  const shown = { id: customer.id, greeting_name: nameOf(customer), greeting_names: customer.greeting_names, tier: customer.tier };
  const result = await write({ kind: Kind.VISIT_LINK, method: "PUT", url: `/api/v1/visits/${visitId}/customer`,
    body: { customer_id: customer.id }, local: { visitId, ticket, customer: shown, about: ticket } });
  notify(result.rejected ? told(result) : `${t("linked", { ticket, name: shown.greeting_name })} · ${told(result)}`);
  location.hash = "#floor";
}

export function initLinking() {
  document.querySelector("[data-linking-cancel]")?.addEventListener("click", () => {
    stopLinking();
    location.hash = "#floor";
  });
}
