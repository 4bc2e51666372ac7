/* The account manager's calls of the day (the inbox's top card): call-backs overdue and due today, with the
   consented contact and best time, and meetings whose outcome is not recorded yet. One tap says how a call
   went (the same buttons as on the referral): reached and booked, reached not interested, not reached — due
   again the next business day. Taps go through the outbox. */
import { read, write, newId } from "../api.js";
import { el } from "../dom.js";
import { dayInWords } from "../dates.js";
import { t } from "../i18n.js";
import { Kind } from "../kinds.js";
import { newest, told } from "../screen.js";
import { notify } from "../toast.js";

const CALLS_URL = "/api/v1/referrals/calls";
const ask = newest();
export const CALL_RESULTS = [
  ["reached_booked", "ref.call_booked", "primary"],
  ["reached_not_interested", "ref.call_not_interested", ""],
  ["not_reached", "ref.call_not_reached", ""],
];

/** Say how the call to `referral`'s customer went; `after` runs once the phone has it (sent or queued). */
export async function logCall(referral, result, after) {
  const outcome = await write({ kind: Kind.REFERRAL_CALL, url: `/api/v1/referrals/${referral.id}/calls`,
    body: { id: newId(), result }, local: { about: referral.customer ? referral.customer.greeting_name : "" } });
  notify(told(outcome, result === "not_reached" ? t("calls.again_tomorrow") : t("saved")));
  if (outcome.rejected) await self.LobbypadOutbox.dismissRejected(outcome.record.id);  // told here
  if (after) after(outcome);
}

/** The three one-tap buttons of a call-back. */
export function callButtons(referral, after) {
  const group = el("div", "card-actions call-actions");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", t("calls.how_went", { name: referral.customer.greeting_name }));
  for (const [result, label, style] of CALL_RESULTS) {
    const button = el("button", `button small ${style}`.trim(), t(label));
    button.type = "button";
    button.addEventListener("click", () => {
      group.querySelectorAll("button").forEach((b) => { b.disabled = true; });
      logCall(referral, result, after);
    });
    group.append(button);
  }
  return group;
}

function callRow(referral, overdue, refresh) {
  const li = el("li", `list-item call${overdue ? " overdue" : ""}`);
  const link = el("a", "", referral.customer.greeting_name);
  link.href = `#inbox/${referral.id}`;
  const consented = referral.customer.consent ? referral.customer.consent.contact : false;
  const contact = consented ? (referral.customer.phone_masked || "—") : t("ref.no_contact_consent");
  const facts = [contact, referral.best_time, referral.reason,
    ...(referral.cards || []).map((c) => `${t(`card.${c.card_type}`)}${c.serial ? ` ${c.serial}` : ""}`)];
  const when = overdue ? t("calls.overdue", { day: dayInWords(referral.due_at, t) }) : t("calls.due_today");
  li.append(link, el("small", "", `${when} · ${facts.filter(Boolean).join(" · ")}`));
  if (referral.status === "met") li.append(el("small", "", t("calls.outcome_pending")));
  else li.append(callButtons(referral, refresh));
  return li;
}

export async function showCalls() {
  const box = document.querySelector("[data-calls]");
  if (!box) return;
  const status = box.querySelector("[data-calls-status]");
  const current = ask();
  let data;
  try {
    ({ data } = await read(CALLS_URL));
  } catch {
    if (current()) status.textContent = t("load_failed");
    return;
  }
  if (!current()) return;  // a newer read (after a tap, a poll) is on its way
  const refresh = () => showCalls();
  const rows = [
    ...data.overdue.map((r) => callRow(r, true, refresh)),
    ...data.due_today.map((r) => callRow(r, false, refresh)),
    ...data.outcome_pending.map((r) => callRow(r, false, refresh)),
  ];
  status.textContent = rows.length ? t("calls.count", { n: rows.length }) : t("calls.none");
  box.querySelector("[data-call-list]").replaceChildren(...rows);
}
