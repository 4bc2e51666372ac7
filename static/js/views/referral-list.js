/* The referrals tab's list: the lobby manager's sent referrals, the account manager's inbox, the supervisor's
   branch view, each with the one line that says where a referral stands. */
import { read } from "../api.js";
import { el, meta } from "../dom.js";
import { age, t } from "../i18n.js";
import { showAge, snapshotTime } from "../screen.js";

/** The tab the referrals screen is in (refer, inbox or referrals, by role). */
export const screenKey = (root) => root.closest("[data-screen]").dataset.screen;

/** The list's address: the box of this role (the snapshot the phone keeps offline). */
export const listUrl = (root) => `/api/v1/referrals?box=${root.dataset.box}`;

/** "王经理 accepted — 3 min", "Waiting for 王经理"… the one line that says where a referral stands. */
export function referralLine(referral) {
  const name = referral.to ? referral.to.display_name : t("ref.nobody");
  switch (referral.status) {
    case "sent": return referral.to && referral.to.id === meta("user") ? t("ref.waiting_for_you") : t("ref.waiting_for", { name });
    case "escalated": return t("ref.escalated_to", { name });
    case "accepted": return referral.eta_minutes === null || referral.eta_minutes === undefined
      ? t("ref.accepted", { name }) : t("ref.accepted_eta", { name, eta: referral.eta_minutes });
    case "declined": return t("ref.declined", { name });
    case "met": return t("ref.met", { name });
    case "outcome_recorded": return t("ref.outcome", { outcome: t(`outcome.${referral.outcome}`) });
    default: return t(`status.${referral.status}`);
  }
}


function listItem(referral, key) {
  const li = el("li", `result referral status-${referral.status}`);
  const link = el("a", "result-link");
  link.href = `#${key}/${referral.id}`;
  const top = el("span", "result-top");
  top.append(el("strong", "", referral.customer.greeting_name), el("span", `badge urgency-${referral.urgency}`,
    t(`urgency.${referral.urgency}`)));
  const details = [referral.reason, referral.location, t("ago", { age: age(Date.now() - Date.parse(referral.created_at)) })];
  link.append(top, el("span", "referral-line", referralLine(referral)), el("span", "result-details", details.filter(Boolean).join(" · ")));
  li.append(link);
  return li;
}

export async function showList(root) {
  const list = root.querySelector("[data-referral-list]");
  const status = root.querySelector("[data-referrals-status]");
  const ageLine = root.querySelector("[data-referrals-age]");
  let result;
  try {
    result = await read(listUrl(root));
  } catch (error) {
    status.textContent = t("load_failed");
    return;
  }
  const { referrals } = result.data;
  showAge(ageLine, snapshotTime(result));
  status.textContent = referrals.length ? "" : t(`ref.empty_${root.dataset.box}`);
  list.replaceChildren(...referrals.map((referral) => listItem(referral, screenKey(root))));
}
