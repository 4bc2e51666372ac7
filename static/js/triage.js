/* The triage rules of server/floor/triage.py, so that the handheld can suggest a channel at once, offline too.
   The server stays the authority (it triages again on arrival); tests run both over the same table. */
import { t } from "./i18n.js";

const LIMITS = {
  withdrawal: "self_service_withdrawal_limit",
  deposit: "self_service_deposit_limit",
  transfer: "self_service_transfer_limit",
};

/* down: the businesses no self-service machine of the branch can do now (the board's `self_service_down`). */
export function triage(business, amount, tier, flags, settings, down = []) {
  const suggestion = byTheRules(business, amount, tier, flags, settings);
  if (suggestion.channel === "self_service" && down.includes(business)) {
    return { channel: "counter", rule: "self_service_down", params: { business } };
  }
  return suggestion;
}

function byTheRules(business, amount, tier, flags, settings) {
  const green = flags.filter((f) => settings.green_channel_flags.includes(f)).sort();
  if (green.length) return { channel: "green_channel", rule: "green_flags", params: { flags: green } };
  if (tier === "vip") return { channel: "vip_area", rule: "vip", params: {} };
  if (business === "wealth_management") return { channel: "vip_area", rule: "wealth", params: {} };
  if (tier === "potential") return { channel: "counter", rule: "potential", params: {} };
  if (business === "balance_enquiry") return { channel: "self_service", rule: "simple", params: { business } };
  if (business in LIMITS) {
    const limit = settings[LIMITS[business]];
    if (amount === null || amount === undefined || amount === "") {
      return { channel: "self_service", rule: "amount_unknown", params: { business, limit } };
    }
    const params = { business, amount: String(amount), limit };
    return Number(amount) < limit
      ? { channel: "self_service", rule: "under_limit", params }
      : { channel: "counter", rule: "over_limit", params };
  }
  return { channel: "counter", rule: "counter_business", params: { business } };
}

export function money(value) {
  return new Intl.NumberFormat("en-US", { maximumFractionDigits: 2 }).format(Number(value));
}

export function explain(rule, params, channel) {
  const values = {
    business: params.business ? t(`business.${params.business}`) : "",
    flags: (params.flags || []).map((f) => t(`flag.${f}`)).join(t("list_separator")),
    amount: params.amount !== undefined ? money(params.amount) : "",
    limit: params.limit !== undefined ? money(params.limit) : "",
    reason: params.reason || "",
  };
  return `${t(`reason.${rule}`, values)} → ${t(`channel.${channel}`)}`;
}
