/* One referral: where it stands, its facts, timeline and who was reached, and the buttons of the steps the
   server says this reader may take (accept with an ETA, decline, met, outcome, send elsewhere, cancel). The
   decline and outcome sheets belong to it. Every step goes through the outbox. */
import { read, write } from "../api.js";
import { referralStep } from "../kinds.js";
import { el, fieldError, fieldErrors } from "../dom.js";
import { dayInWords, timeOf } from "../dates.js";
import { t } from "../i18n.js";
import { showAge, snapshotTime, told } from "../screen.js";
import { notify } from "../toast.js";
import { callButtons } from "./calls.js";
import { referralLine, screenKey } from "./referral-list.js";

const ETA_CHOICES = [1, 3, 5, 10];
let root = null;
let openId = null;  // the referral shown now (null: the list is)


/** The referral shown now, if any. */
export const shownReferral = () => openId;

/** Back to the list. */
export function closeDetail() {
  openId = null;
}

function fact(label, value) {
  const div = el("div", "field");
  div.append(el("dt", "", label), el("dd", "", value));
  return div;
}

function button(label, className, onClick) {
  const node = el("button", `button ${className || ""}`.trim(), label);
  node.type = "button";
  node.addEventListener("click", onClick);
  return node;
}

async function step(referral, path, body, done) {
  const result = await write({ kind: referralStep(path), url: `/api/v1/referrals/${referral.id}/${path}`, body,
    local: { about: referral.customer ? referral.customer.greeting_name : "" } });
  notify(told(result, done));
  if (result.rejected) await self.LobbypadOutbox.dismissRejected(result.record.id);  // told here, not kept in Sync
  if (openId === referral.id) showDetail(root, referral.id);
}

/** The buttons of the steps the server says this reader may take now (`allowed_actions`). */
function actionsFor(referral) {
  const box = el("div", "card-actions referral-actions");
  const allowed = new Set(referral.allowed_actions || []);
  if (allowed.has("accept") && referral.urgency === "follow_up") {  // a call-back: no one is walking over
    box.append(button(t("ref.accept_callback"), "primary", () => step(referral, "accept", {}, t("ref.accepted_toast"))));
  } else if (allowed.has("accept")) {
    const group = el("div", "eta-choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("ref.accept_with_eta"));
    ETA_CHOICES.forEach((minutes) => group.append(button(t("ref.accept_in", { n: minutes }), "primary",
      () => step(referral, "accept", { eta_minutes: minutes }, t("ref.accepted_toast")))));
    box.append(group);
  }
  if (allowed.has("decline")) box.append(button(t("ref.decline"), "danger", () => openDecline(referral)));
  if (allowed.has("met")) box.append(button(t("ref.mark_met"), "primary", () => step(referral, "met", {}, t("saved"))));
  if (allowed.has("outcome") && referral.urgency === "follow_up" && referral.status !== "met") {  // the call made: one tap
    box.append(callButtons(referral, () => { if (openId === referral.id) showDetail(root, referral.id); }));
  }
  if (allowed.has("outcome")) box.append(button(t("ref.record_outcome"), "", () => openOutcome(referral)));
  if (allowed.has("reassign")) {
    box.append(button(t("ref.send_elsewhere"), referral.status === "declined" ? "primary" : "",
      // The server picks someone not yet asked, or says that nobody else is available.
      () => step(referral, "reassign", {}, t("ref.sent_on"))));
  }
  if (allowed.has("cancel")) box.append(button(t("ref.cancel"), "", () => step(referral, "cancel", {}, t("saved"))));
  return box;
}

/** One step of the timeline in a sentence: "李强 did not answer in time: sent on to 赵磊". */
function timelineLine(entry) {
  const to = entry.to ? entry.to.display_name : "";
  if (entry.type === "escalated") return t("ref.timeline_escalated", { from: entry.note || t("ref.nobody"), to });
  const who = entry.actor ? entry.actor.display_name : t("ref.system");
  const note = entry.note ? ` · ${entry.type === "accepted" ? t("minutes", { n: entry.note }) : entry.note}` : "";
  return `${t(`event.${entry.type}`)} · ${who}${to ? ` → ${to}` : ""}${note}`;
}

/** Show one referral in the tab's detail pane (read network-first, the snapshot offline). */
export async function showDetail(screen, referralId) {
  root = screen;
  openId = referralId;
  const detail = root.querySelector("[data-referral-detail]");
  let result;
  try {
    result = await read(`/api/v1/referrals/${referralId}`);
  } catch (error) {
    detail.replaceChildren(el("p", "alert alert-error", t("load_failed")));
    return;
  }
  if (openId !== referralId) return;
  const referral = result.data.referral;
  const back = el("a", "button small", "←");
  back.href = `#${screenKey(root)}`;
  back.setAttribute("aria-label", t("ref.back"));
  const title = el("h2", "greeting", referral.customer.greeting_name);
  title.tabIndex = -1;
  const line = el("p", `referral-line big status-${referral.status}`, referralLine(referral));
  const facts = el("dl", "facts");
  facts.append(fact(t("ref.reason"), referral.reason));
  if (referral.signals.length) {
    facts.append(fact(t("ref.signals"), referral.signals.map((s) => t(`signal.${s}`)).join(t("list_separator"))));
  }
  if (referral.location) facts.append(fact(t("ref.location"), referral.location));
  facts.append(fact(t("ref.urgency"), t(`urgency.${referral.urgency}`)));
  if (referral.from) facts.append(fact(t("ref.from"), referral.from.display_name));
  if (referral.due_at) facts.append(fact(t("ref.due"), t("ref.due_by_close", { day: dayInWords(referral.due_at, t) })));
  if (referral.decline_reason) facts.append(fact(t("ref.decline_reason"), referral.decline_reason));
  if (referral.urgency === "follow_up") {  // what the call-back needs: how to reach them, when, what they were given
    const consented = referral.customer.consent ? referral.customer.consent.contact : true;
    facts.append(fact(t("ref.contact"), consented ? (referral.customer.phone_masked || "—") : t("ref.no_contact_consent")));
    if (referral.best_time) facts.append(fact(t("ref.best_time"), referral.best_time));
    for (const card of referral.cards || []) {
      facts.append(fact(t("ref.cards"), `${t(`card.${card.card_type}`)}${card.serial ? ` ${card.serial}` : ""}`));
    }
  } else if (referral.customer.phone_masked) facts.append(fact(t("label_phone"), referral.customer.phone_masked));
  const customerLink = el("a", "button small", t("ref.customer_card"));
  customerLink.href = `#customers/${referral.customer.id}`;
  const timeline = el("ol", "list timeline");
  timeline.setAttribute("aria-label", t("ref.timeline"));
  for (const entry of referral.timeline || []) timeline.append(el("li", "list-item", `${timeOf(entry.at)} ${timelineLine(entry)}`));
  const reach = el("ul", "list reach");
  reach.setAttribute("aria-label", t("ref.reach"));
  for (const notification of referral.reach || []) {
    const parts = notification.deliveries.map((d) => `${t(`channel_name.${d.channel}`)}: ${t(`delivery.${d.status}`)}`
      + (d.sent_at ? ` ${timeOf(d.sent_at)}` : ""));
    reach.append(el("li", "list-item", `${t(`kind.${notification.kind}`)} — ${parts.join(" · ") || t("delivery.none")}`));
  }
  const ageLine = el("p", "snapshot-age");
  showAge(ageLine, snapshotTime(result));
  detail.replaceChildren(back, title, line, ageLine, actionsFor(referral), facts, customerLink,
    el("h3", "", t("ref.timeline")), timeline, el("h3", "", t("ref.reach")), reach);
  title.focus();
}

/* Decline and outcome sheets */

function openDecline(referral) {
  const dialog = document.querySelector("[data-decline-dialog]");
  const form = dialog.querySelector("form");
  form.reset();
  fieldError(form, "reason", "");
  form.onsubmit = async (event) => {
    event.preventDefault();
    const reason = form.reason.value.trim();
    if (!reason) {
      fieldError(form, "reason", t("ref.decline_reason_required"));
      return;
    }
    dialog.close();
    await step(referral, "decline", { reason }, t("ref.declined_toast"));
  };
  dialog.showModal();
  form.reason.focus();
}

function openOutcome(referral) {
  const dialog = document.querySelector("[data-outcome-dialog]");
  const form = dialog.querySelector("form");
  form.reset();
  fieldErrors(form, {});
  const productFields = form.querySelector("[data-product-fields]");
  productFields.hidden = true;
  form.onchange = () => { productFields.hidden = form.result.value !== "product_sold"; };
  form.onsubmit = async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const errors = {};
    if (!data.get("result")) errors.result = t("ref.result_required");
    if (data.get("result") === "product_sold" && !String(data.get("product")).trim()) errors.product = t("ref.product_required");
    fieldErrors(form, errors);
    if (Object.keys(errors).length) return;
    const body = { result: data.get("result") };
    if (body.result === "product_sold") {
      body.product = String(data.get("product")).trim();
      if (String(data.get("amount")).trim()) body.amount = String(data.get("amount")).trim();
    }
    if (String(data.get("note")).trim()) body.note = String(data.get("note")).trim();
    dialog.close();
    await step(referral, "outcome", body, t("saved"));
  };
  dialog.showModal();
}
