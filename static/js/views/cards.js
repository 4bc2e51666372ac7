/* Card stock (in More): each batch of VIP experience cards with how many are left, recent handouts, and
   recording a batch the branch received. */
import { newId, read, write } from "../api.js";
import { Kind } from "../kinds.js";
import { el } from "../dom.js";
import { dateOf } from "../dates.js";
import { t } from "../i18n.js";
import { showAge, snapshotTime, told } from "../screen.js";
import { notify } from "../toast.js";

const STOCK_URL = "/api/v1/cards/stock";

async function render() {
  const batches = document.querySelector("[data-card-batches]");
  const handouts = document.querySelector("[data-card-handouts]");
  let result;
  try {
    result = await read(STOCK_URL);
  } catch (error) {
    batches.replaceChildren(el("li", "list-item", t("load_failed")));
    return;
  }
  const { data } = result;
  showAge(document.querySelector("[data-cards-age]"), snapshotTime(result));
  batches.replaceChildren(...data.batches.map((b) => el("li", "list-item", t("cards.batch_line", {
    first: b.first_serial, last: b.last_serial, remaining: b.remaining, size: b.size,
  }))));
  if (!data.batches.length) batches.append(el("li", "list-item", t("cards.no_batches")));
  handouts.replaceChildren(...data.handouts.map((h) => el("li", "list-item",
    `${dateOf(h.handed_at)} · ${t(`card.${h.card_type}`)}${h.serial ? ` ${h.serial}` : ""} → ${h.customer.full_name} · ${h.handed_by}`)));
  if (!data.handouts.length) handouts.append(el("li", "list-item", t("cards.no_handouts")));
}

async function receive(form) {
  const error = form.querySelector("[data-batch-error]");
  const data = new FormData(form);
  const id = newId();
  const body = { id, card_type: "vip_experience", prefix: String(data.get("prefix") || "").trim(),
    first: Number(data.get("first")), last: Number(data.get("last")), width: Number(data.get("width") || 6) };
  if (!String(data.get("first")).trim() || !String(data.get("last")).trim()) {
    error.textContent = t("cards.numbers_required");
    return;
  }
  const result = await write({ kind: Kind.CARDS_BATCH, url: "/api/v1/cards/batches", body });
  if (result.rejected) {
    const fields = Object.values(result.rejected.error.fields || {});
    error.textContent = [result.rejected.error.message, ...fields].join(" ");
    await self.LobbypadOutbox.dismissRejected(result.record.id);
    return;
  }
  error.textContent = "";
  form.reset();
  notify(told(result));
  render();
}

export function initCards() {
  const section = document.querySelector("[data-card-stock]");
  if (!section) return;
  const form = section.querySelector("[data-batch-form]");
  if (form) form.addEventListener("submit", (event) => { event.preventDefault(); receive(form); });
  window.addEventListener("hashchange", () => { if (location.hash === "#more") render(); });
  // A card handed out with a referral (sent now, later from the outbox, or fixed and sent from Sync) is on
  // the stock's recent handouts as soon as the server has it.
  self.LobbypadOutbox.onChange((event) => {
    if (event.type === "sent" && [Kind.REFERRAL_CREATE, Kind.CARDS_BATCH].includes(event.kind)) render();
  });
  render();
}
