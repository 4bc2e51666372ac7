/* Referrals: the lobby manager's sent list with each one's live status, the account manager's inbox
   (accept with an ETA, decline, met, outcome), the supervisor's branch view, and the refer sheet that a
   customer card opens. Every step goes through the outbox; lists refresh on a timer and on notifications. */
import { newId, read, write } from "../api.js";
import { el, fieldError, fieldErrors, lang, meta } from "../dom.js";
import { age, t } from "../i18n.js";
import { coalesce } from "../timing.js";
import { notify } from "../toast.js";

const SCREENS = ["refer", "inbox", "referrals"];
const ETA_CHOICES = [1, 3, 5, 10];
const POLL_MS = 10 * 1000;
let root = null;
let openId = null;

const me = () => meta("user");
const screenKey = () => root.closest("[data-screen]").dataset.screen;
const timeOf = (iso) => new Date(iso).toLocaleTimeString(lang(), { timeZone: meta("timezone"), hour: "2-digit", minute: "2-digit" });

/** "王经理 accepted — 3 min", "Waiting for 王经理"… the one line that says where a referral stands. */
export function referralLine(referral) {
  const name = referral.to ? referral.to.display_name : t("ref.nobody");
  switch (referral.status) {
    case "sent": return referral.to && referral.to.id === me() ? t("ref.waiting_for_you") : t("ref.waiting_for", { name });
    case "escalated": return t("ref.escalated_to", { name });
    case "accepted": return referral.eta_minutes === null || referral.eta_minutes === undefined
      ? t("ref.accepted", { name }) : t("ref.accepted_eta", { name, eta: referral.eta_minutes });
    case "declined": return t("ref.declined", { name });
    case "met": return t("ref.met", { name });
    case "outcome_recorded": return t("ref.outcome", { outcome: t(`outcome.${referral.outcome}`) });
    default: return t(`status.${referral.status}`);
  }
}

/* The list */

function listItem(referral) {
  const li = el("li", `result referral status-${referral.status}`);
  const link = el("a", "result-link");
  link.href = `#${screenKey()}/${referral.id}`;
  const top = el("span", "result-top");
  top.append(el("strong", "", referral.customer.greeting_name), el("span", `badge urgency-${referral.urgency}`,
    t(`urgency.${referral.urgency}`)));
  const details = [referral.reason, referral.location, t("ago", { age: age(Date.now() - Date.parse(referral.created_at)) })];
  link.append(top, el("span", "referral-line", referralLine(referral)), el("span", "result-details", details.filter(Boolean).join(" · ")));
  li.append(link);
  return li;
}

async function showList() {
  const list = root.querySelector("[data-referral-list]");
  const status = root.querySelector("[data-referrals-status]");
  const ageLine = root.querySelector("[data-referrals-age]");
  let result;
  try {
    result = await read(`/api/v1/referrals?box=${root.dataset.box}`);
  } catch (error) {
    status.textContent = t("load_failed");
    return;
  }
  const { referrals } = result.data;
  ageLine.hidden = !result.fromSnapshot;
  ageLine.textContent = result.fromSnapshot ? t("offline_since", { age: age(Date.now() - result.at) }) : "";
  status.textContent = referrals.length ? "" : t(`ref.empty_${root.dataset.box}`);
  list.replaceChildren(...referrals.map(listItem));
}

/* One referral */

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
  const result = await write(`referral.${path}`, "POST", `/api/v1/referrals/${referral.id}/${path}`, body, newId());
  if (result.rejected) {
    notify(t("action_failed", { message: result.rejected.error.message }));
    await self.LobbypadOutbox.dismissRejected(result.record.id);
  } else {
    notify(result.sent ? done : t("saved_offline"));
  }
  if (openId === referral.id) showDetail(referral.id);
}

/** The buttons of the steps the server says this reader may take now (`allowed_actions`). */
function actionsFor(referral) {
  const box = el("div", "card-actions referral-actions");
  const allowed = new Set(referral.allowed_actions || []);
  if (allowed.has("accept")) {
    const group = el("div", "eta-choices");
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", t("ref.accept_with_eta"));
    ETA_CHOICES.forEach((minutes) => group.append(button(t("ref.accept_in", { n: minutes }), "primary",
      () => step(referral, "accept", { eta_minutes: minutes }, t("ref.accepted_toast")))));
    box.append(group);
  }
  if (allowed.has("decline")) box.append(button(t("ref.decline"), "danger", () => openDecline(referral)));
  if (allowed.has("met")) box.append(button(t("ref.mark_met"), "primary", () => step(referral, "met", {}, t("saved"))));
  if (allowed.has("outcome")) box.append(button(t("ref.record_outcome"), "", () => openOutcome(referral)));
  if (allowed.has("reassign")) {
    box.append(button(t("ref.send_elsewhere"), referral.status === "declined" ? "primary" : "",
      // The server picks someone not yet asked, or says that nobody else is available.
      () => step(referral, "reassign", {}, t("ref.sent_on"))));
  }
  if (allowed.has("cancel")) box.append(button(t("ref.cancel"), "", () => step(referral, "cancel", {}, t("saved"))));
  return box;
}

async function showDetail(referralId) {
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
  back.href = `#${screenKey()}`;
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
  if (referral.due_at) facts.append(fact(t("ref.due"), new Date(referral.due_at).toLocaleString(lang(), { timeZone: meta("timezone") })));
  if (referral.decline_reason) facts.append(fact(t("ref.decline_reason"), referral.decline_reason));
  if (referral.customer.phone_masked) facts.append(fact(t("label_phone"), referral.customer.phone_masked));
  const customerLink = el("a", "button small", t("ref.customer_card"));
  customerLink.href = `#customers/${referral.customer.id}`;
  const timeline = el("ol", "list timeline");
  timeline.setAttribute("aria-label", t("ref.timeline"));
  for (const entry of referral.timeline || []) {
    const who = entry.actor ? entry.actor.display_name : t("ref.system");
    const to = entry.to ? ` → ${entry.to.display_name}` : "";
    const note = entry.note ? ` · ${entry.type === "accepted" ? t("minutes", { n: entry.note }) : entry.note}` : "";
    timeline.append(el("li", "list-item", `${timeOf(entry.at)} ${t(`event.${entry.type}`)} · ${who}${to}${note}`));
  }
  const reach = el("ul", "list reach");
  reach.setAttribute("aria-label", t("ref.reach"));
  for (const notification of referral.reach || []) {
    const parts = notification.deliveries.map((d) => `${t(`channel_name.${d.channel}`)}: ${t(`delivery.${d.status}`)}`
      + (d.sent_at ? ` ${timeOf(d.sent_at)}` : ""));
    reach.append(el("li", "list-item", `${t(`kind.${notification.kind}`)} — ${parts.join(" · ") || t("delivery.none")}`));
  }
  const ageLine = el("p", "snapshot-age", result.fromSnapshot ? t("offline_since", { age: age(Date.now() - result.at) }) : "");
  ageLine.hidden = !result.fromSnapshot;
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

/* The refer sheet (from a customer card) */

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
  const managers = await loadManagers(urgency);
  select.replaceChildren(automatic, ...managers.map((m) => {
    const option = el("option", "", t("ref.manager_option", { name: m.display_name, n: m.open_referrals }));
    option.value = m.id;
    return option;
  }));
}

export function openRefer(customer) {
  const dialog = document.querySelector("[data-refer-dialog]");
  const form = dialog.querySelector("form");
  form.reset();
  fieldErrors(form, {});
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
    if (data.get("urgency") === "follow_up" && data.get("card_type") === "vip_experience"
        && !String(data.get("serial") || "").trim()) errors["card.serial"] = t("ref.serial_required");
    fieldErrors(form, errors);
    if (Object.keys(errors).length) return;
    const id = newId();
    const body = { id, customer_id: customer.id, urgency: data.get("urgency"), reason, signals,
      occurred_at: new Date().toISOString() };
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
    const result = await write("referral.create", "POST", "/api/v1/referrals", body, id);
    submit.disabled = false;
    if (result.rejected) {
      dialog.querySelector("[data-refer-error]").textContent = result.rejected.error.message;
      fieldErrors(form, result.rejected.error.fields || {});
      await self.LobbypadOutbox.dismissRejected(id);  // still in the form: fix and send again
      return;
    }
    dialog.close();
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
  dialog.showModal();
}

/* Routing: #refer, #refer/<id> (and #inbox…, #referrals…); a notification's #referrals/<id> finds the role's tab. */

function route() {
  if (!root) return;
  const [hashTab, sub] = location.hash.slice(1).split("/");
  const tab = hashTab || document.querySelector("[data-tab]").dataset.tab;  // no hash: the first tab shows
  const key = screenKey();
  if (tab === "referrals" && key !== "referrals") {
    location.replace(`#${key}${sub ? `/${sub}` : ""}`);
    return;
  }
  if (tab !== key) return;
  const index = root.querySelector("[data-referral-index]");
  const detail = root.querySelector("[data-referral-detail]");
  index.hidden = Boolean(sub);
  detail.hidden = !sub;
  if (sub) showDetail(sub);
  else {
    openId = null;
    showList();
  }
}

function refresh() {
  if (!root || root.closest("[data-screen]").hidden || document.visibilityState !== "visible") return;
  if (openId) showDetail(openId);
  else showList();
}

export function initReferrals() {
  root = document.querySelector("[data-referrals]");
  window.addEventListener("hashchange", route);
  if (!root) return;
  // The open referrals are part of what the phone shows offline, even if this tab was never opened online:
  // read at start and after each change, shown or not, so that the snapshot is today's.
  const keepSnapshot = () => read(`/api/v1/referrals?box=${root.dataset.box}`).catch(() => {});
  const changed = () => {
    const shown = !root.closest("[data-screen]").hidden;
    if (shown) refresh();
    if (!shown || openId) keepSnapshot();  // the list is not what refresh() reads
  };
  document.addEventListener("lobbypad:notification", (event) => {
    if ((event.detail.kind || "").startsWith("referral.")) changed();
  });
  // A step sent from elsewhere (the notification's Accept in the service worker, a retry) shows at once.
  const changedSoon = coalesce(changed);
  self.LobbypadOutbox.onChange((event) => {
    if (event.type === "sent" && (event.kind || "").startsWith("referral.")) changedSoon();
  });
  setInterval(refresh, POLL_MS);
  route();
  keepSnapshot();
}
