/* Customers: one search box (debounced), the customer card with the greeting by branch local time, the
   audited reveal of a full number (never stored on the phone), and a quick "new customer" with consent. */
import { ask, newId, read, snapshotsToday, write } from "../api.js";
import { Kind } from "../kinds.js";
import { el, fieldErrors, listItem, meta } from "../dom.js";
import { t } from "../i18n.js";
import { showAge, snapshotTime } from "../screen.js";
import { openArrival } from "./arrival.js";
import { openRefer } from "./refer-sheet.js";
import { referralLine } from "./referral-list.js";
import { matches, nameOf } from "../names.js";
import { dateOf } from "../dates.js";
import { initLinking, linkTo, linkingVisit } from "./linking.js";
import { openEditCustomer } from "./customer-edit.js";
import { openComplaint } from "./complaint-sheet.js";

const DB = self.LobbypadDB;
const Outbox = self.LobbypadOutbox;
const SEARCH_LIMIT = 20;  // the server answers at most this many (server/customers/service.py)
const SEARCH_URL = "/api/v1/customers/search";  // POST: a full number never reaches a URL or a snapshot
const DEBOUNCE_MS = 250;
const REVEAL_VISIBLE_MS = 60 * 1000;

/** "李先生，下午好" / "Good afternoon, Mr Li", by the hour at the branch. */
export function greeting(name, now = new Date()) {
  const hour = Number(new Intl.DateTimeFormat("en-GB", { hour: "numeric", hourCycle: "h23", timeZone: meta("timezone") }).format(now));
  const key = hour < 5 || hour >= 18 ? "greet_evening" : hour < 11 ? "greet_morning" : hour < 13 ? "greet_noon" : "greet_afternoon";
  return t(key, { name });
}

/** A badge for VIPs and potential VIPs; ordinary customers get none (less to read on the floor). */
function tierBadge(tier) {
  return tier === "ordinary" ? document.createTextNode("") : el("span", `badge badge-${tier}`, t(`tier.${tier}`));
}

/* Search */

let searchSeq = 0;

async function search(query) {
  const status = document.querySelector("[data-search-status]");
  const results = document.querySelector("[data-results]");
  const seq = ++searchSeq;
  if (!query.trim()) {
    status.textContent = t("search_hint_empty");
    results.replaceChildren();
    return;
  }
  status.textContent = t("loading");
  let customers;
  try {
    customers = (await ask(SEARCH_URL, { q: query.trim() })).customers;
  } catch (error) {
    const found = await foundOnThePhone(query.trim());
    if (seq !== searchSeq) return;
    status.textContent = found.length ? t("search_offline", { n: found.length }) : t("search_offline_none", { q: query.trim() });
    results.replaceChildren(...found.map(resultItem));
    return;
  }
  if (seq !== searchSeq) return;  // a newer keystroke already answered
  let count = t("search_none", { q: query.trim() });
  if (customers.length) count = t(customers.length >= SEARCH_LIMIT ? "search_count_first" : "search_count", { n: customers.length });
  status.textContent = count;
  results.replaceChildren(...customers.map(resultItem));
}

/** Offline: today's customers the phone holds (cards opened today, today's board), filtered the way the
    server searches; masked numbers only, as the server gave them. */
async function foundOnThePhone(query) {
  const byId = new Map();
  const board = (await snapshotsToday(/^\/api\/v1\/floor$/))[0];
  const tickets = new Map();  // customer id → today's tickets
  for (const visit of board ? board.data.visits : []) {
    if (!visit.customer) continue;
    byId.set(visit.customer.id, visit.customer);
    tickets.set(visit.customer.id, [...(tickets.get(visit.customer.id) || []), visit.ticket]);
  }
  for (const snapshot of await snapshotsToday(/^\/api\/v1\/customers\/[0-9a-f-]{36}$/)) {
    byId.set(snapshot.data.customer.id, snapshot.data.customer);  // the full card: masked numbers too
  }
  return Array.from(byId.values()).filter((c) => matches(c, query, tickets.get(c.id) || [])).slice(0, SEARCH_LIMIT);
}

function resultItem(customer) {
  const li = el("li", "result");
  const link = el("a", "result-link");
  link.href = `#customers/${customer.id}`;
  const top = el("span", "result-top");
  top.append(el("strong", "", nameOf(customer)), el("span", "result-name", customer.full_name || ""), tierBadge(customer.tier));
  const details = [customer.phone_masked, customer.account_manager ? t("manager", { name: customer.account_manager.display_name }) : null,
    customer.last_visit_at ? t("last_visit", { date: dateOf(customer.last_visit_at) }) : t("never_visited")].filter(Boolean);
  link.append(top, el("span", "result-details", details.join(" · ")));
  li.append(link);
  return li;
}

/* The customer card */

function row(label, value) {
  const div = el("div", "field");
  div.append(el("dt", "", label), el("dd", "", value));
  return div;
}

async function showCard(customerId, { keepFocus = false } = {}) {
  const card = document.querySelector("[data-customer-card]");
  if (!keepFocus) card.replaceChildren(el("p", "hint", t("loading")));
  let result;
  try {
    result = await read(`/api/v1/customers/${customerId}`);
  } catch (error) {
    card.replaceChildren(el("p", "alert alert-error", error.status === 404 ? t("load_failed") : t("not_found_offline")));
    return;
  }
  const { visits } = result.data;
  const customer = await withPendingCorrections(result.data.customer);
  const back = el("a", "button small", "←");
  back.href = "#customers";
  back.setAttribute("aria-label", t("back"));
  const title = el("h2", "greeting", greeting(nameOf(customer)));
  title.tabIndex = -1;
  const who = el("p", "card-who");
  who.append(el("span", "", customer.full_name), tierBadge(customer.tier));
  const facts = el("dl", "facts");
  facts.append(row(t("label_manager"), customer.account_manager ? customer.account_manager.display_name : t("no_manager")));
  for (const [field, label] of [["phone", t("label_phone")], ["id_number", t("label_id")]]) {
    const masked = customer[`${field}_masked`];
    if (!masked) continue;
    const value = el("dd", "masked");
    value.append(el("span", "", masked));
    if (meta("can-reveal") === "true") {
      const button = el("button", "button small", t("reveal"));
      button.type = "button";
      button.addEventListener("click", () => openReveal(customer.id, field));
      value.append(button);
    }
    const div = el("div", "field");
    div.append(el("dt", "", label), value);
    facts.append(div);
  }
  if (customer.card_masked) facts.append(row(t("label_card"), customer.card_masked));
  if (customer.needs) facts.append(row(t("label_needs"), customer.needs));
  if (customer.notes) facts.append(row(t("label_notes"), customer.notes));
  const consent = customer.consent;
  facts.append(row(t("label_consent"), t("consent_line", {
    contact: t(consent.contact ? "consent_yes" : "consent_no"), marketing: t(consent.marketing ? "consent_yes" : "consent_no"),
    date: consent.recorded_at ? dateOf(consent.recorded_at) : "", who: consent.recorded_by || "",
  })));
  const actions = el("div", "card-actions");
  const arrive = el("button", "button primary", t("log_arrival"));
  arrive.type = "button";
  arrive.addEventListener("click", () => openArrival({ id: customer.id, greeting_name: nameOf(customer), tier: customer.tier }));
  const refer = el("button", "button", t("refer"));
  refer.type = "button";
  refer.addEventListener("click", () => openRefer(customer));
  const edit = el("button", "button", t("edit"));
  edit.type = "button";
  edit.addEventListener("click", () => openEditCustomer(customer, () => showCard(customer.id, { keepFocus: true })));
  const complain = el("button", "button", t("complaint.new"));
  complain.type = "button";
  complain.addEventListener("click", () => openComplaint({ customer: { id: customer.id, greeting_name: nameOf(customer) } }));
  actions.append(arrive, refer, edit);
  if (meta("role") !== "account_manager") actions.append(complain);
  const walkIn = linkingVisit();
  if (walkIn) {  // the customer of a walk-in on the board: their visit becomes this customer's
    const link = el("button", "button primary", t("link_to_ticket", { ticket: walkIn.ticket }));
    link.type = "button";
    link.addEventListener("click", () => linkTo(customer));
    actions.prepend(link);
  }
  const referralList = el("ul", "list");
  referralList.setAttribute("aria-label", t("label_referrals"));
  (result.data.referrals || []).forEach((r) => {
    const li = el("li", "list-item");
    const link = el("a", "", `${dateOf(r.created_at)} · ${referralLine(r)} · ${r.reason}`);
    link.href = `#referrals/${r.id}`;
    li.append(link);
    referralList.append(li);
  });
  if (!referralList.children.length) referralList.append(el("li", "list-item", t("no_referrals")));
  const visitList = el("ul", "list");
  visitList.setAttribute("aria-label", t("label_visits"));
  // Arrivals logged on this phone and not synced yet are on the card at once.
  const known = new Set(visits.map((v) => v.id));
  const unsynced = (await Outbox.pending()).filter((r) => r.kind === Kind.VISIT_CREATE && !known.has(r.id)
    && r.body.customer_id === customer.id).map((r) => ({ ...r.body, channel: r.local?.triage?.channel || "counter", unsynced: true }));
  [...unsynced, ...visits].forEach((v) => visitList.append(listItem(
    `${dateOf(v.arrived_at)} · ${v.ticket} · ${t(`business.${v.business_type}`)} · ${t(`channel.${v.channel}`)}`,
    v.unsynced ? t("not_synced_yet") : "", Boolean(v.unsynced))));
  if (!visitList.children.length) visitList.append(el("li", "list-item", t("no_visits")));
  const visitsTitle = el("h3", "", t("label_visits"));
  const ageLine = el("p", "snapshot-age");
  showAge(ageLine, snapshotTime(result));
  card.replaceChildren(back, title, who, ageLine, actions, facts, visitsTitle, visitList,
    el("h3", "", t("label_referrals")), referralList);
  if (!keepFocus) title.focus();
}

/** The record as corrected on this phone and not synced yet (plain fields; numbers stay masked). */
async function withPendingCorrections(customer) {
  const corrections = (await Outbox.pending()).filter((r) => r.kind === Kind.CUSTOMER_UPDATE && r.local.customerId === customer.id);
  const corrected = { ...customer };
  for (const { body } of corrections) {
    for (const field of ["family_name", "given_name", "honorific", "needs", "salutation", "tier"]) {
      if (field in body) corrected[field] = body[field];
    }
    if (body.consent) corrected.consent = { ...corrected.consent, ...body.consent };
  }
  return corrected;
}

/* Reveal: straight to the server (never the outbox or a snapshot), shown for a minute, then gone. */

let revealTimer = null;

function openReveal(customerId, field) {
  const dialog = document.querySelector("[data-reveal-dialog]");
  const form = dialog.querySelector("form");
  form.reset();
  form.dataset.customerId = customerId;
  form.dataset.field = field;
  dialog.querySelector("[data-reveal-error]").textContent = navigator.onLine ? "" : t("reveal_needs_network");
  dialog.querySelector("[data-revealed]").hidden = true;
  dialog.querySelector("[data-revealed]").textContent = "";
  dialog.showModal();
  form.reason.focus();
}

async function submitReveal(form) {
  const dialog = form.closest("dialog");
  const error = dialog.querySelector("[data-reveal-error]");
  const shown = dialog.querySelector("[data-revealed]");
  const reason = form.reason.value.trim();
  // Real words, as the server asks: spaces and invisible characters are no reason.
  if (reason.replace(/[\s\u200b-\u200f\u2060\ufeff]/g, "").length < 2) {
    error.textContent = t("reveal_reason_required");
    form.reason.setAttribute("aria-invalid", "true");
    form.reason.focus();
    return;
  }
  form.reason.removeAttribute("aria-invalid");
  const csrf = (await DB.get("meta", "csrf")).value;
  let response;
  try {
    response = await fetch(`/api/v1/customers/${form.dataset.customerId}/reveal`, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ field: form.dataset.field, reason }),
    });
  } catch (networkError) {
    error.textContent = t("reveal_needs_network");
    return;
  }
  const answer = await response.json().catch(() => null);
  if (!response.ok) {
    error.textContent = (answer && answer.error && answer.error.message) || t("load_failed");
    return;
  }
  error.textContent = "";
  shown.textContent = answer.value;
  shown.hidden = false;
  clearTimeout(revealTimer);
  revealTimer = setTimeout(() => dialog.close(), REVEAL_VISIBLE_MS);
}

/* New customer */

async function submitCustomer(form) {
  const data = new FormData(form);
  const errors = {};
  if (!String(data.get("family_name") || "").trim()) errors.family_name = t("family_required");
  if (!data.get("consent_contact") || !data.get("consent_marketing")) errors.consent = t("consent_required");
  if (!data.get("salutation")) errors.salutation = t("salutation_required");
  fieldErrors(form, errors);
  if (Object.keys(errors).length) return;
  const id = newId();
  const body = { id, consent: { contact: data.get("consent_contact") === "yes", marketing: data.get("consent_marketing") === "yes" },
    occurred_at: new Date().toISOString() };
  for (const key of ["family_name", "given_name", "salutation", "honorific", "phone", "id_number", "tier", "needs"]) {
    const value = String(data.get(key) || "").trim();
    if (value) body[key] = value;
  }
  const feedback = form.querySelector("[data-customer-form-feedback]");
  const result = await write({ kind: Kind.CUSTOMER_CREATE, url: "/api/v1/customers", body });
  if (result.rejected) {
    feedback.textContent = result.rejected.error.message;
    fieldErrors(form, result.rejected.error.fields || {});
    await self.LobbypadOutbox.dismissRejected(id);  // the form still holds it: fix and send again
    return;
  }
  feedback.textContent = result.sent ? t("customer_saved") : t("customer_saved_offline");
  form.reset();
  if (linkingVisit()) {  // registered for a walk-in on the board: the visit is theirs (after them, offline too)
    await linkTo({ id, greeting_name: result.answer ? result.answer.customer.greeting_name : body.family_name, tier: body.tier || "ordinary",
      greeting_names: result.answer ? result.answer.customer.greeting_names : undefined });
    return;
  }
  location.hash = result.sent ? `#customers/${id}` : "#customers";
}

/* Routing inside the tab: #customers, #customers/new, #customers/<id> */

function route() {
  const [tab, sub] = location.hash.slice(1).split("/");
  if (tab !== "customers") return;
  const searchBox = document.querySelector("[data-customer-search]");
  const card = document.querySelector("[data-customer-card]");
  const form = document.querySelector("[data-customer-form]");
  searchBox.hidden = Boolean(sub);
  card.hidden = !sub || sub === "new";
  form.hidden = sub !== "new";
  if (sub === "new") form.querySelector("[name=family_name]").focus();
  else if (sub) showCard(sub);
  else document.getElementById("customer-q").focus({ preventScroll: true });
}

export function initCustomers() {
  const input = document.getElementById("customer-q");
  let timer = null;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value), DEBOUNCE_MS);
  });
  document.querySelector("[data-search-form]").addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search(input.value);
  });
  document.querySelector("[data-search-status]").textContent = t("search_hint_empty");
  const revealForm = document.querySelector("[data-reveal-form]");
  revealForm.addEventListener("submit", (event) => { event.preventDefault(); submitReveal(revealForm); });
  // The full number leaves the screen with the dialog.
  revealForm.closest("dialog").addEventListener("close", () => {
    clearTimeout(revealTimer);
    const shown = revealForm.querySelector("[data-revealed]");
    shown.textContent = "";
    shown.hidden = true;
  });
  const form = document.querySelector("[data-customer-form]");
  form.addEventListener("submit", (event) => { event.preventDefault(); submitCustomer(form); });
  // An ID number says Mr or Ms (its 17th digit is odd for men): chosen for the user, who may change it.
  form.querySelector("[name=id_number]").addEventListener("change", (event) => {
    const id = event.target.value.trim();
    if (!/^\d{17}[\dXx]$/.test(id) || form.querySelector("[name=salutation]:checked")) return;
    form.querySelector(`[name=salutation][value=${Number(id[16]) % 2 ? "mr" : "ms"}]`).checked = true;
  });
  initLinking();
  window.addEventListener("hashchange", route);
  // The open card follows what happens to its customer: an arrival or a referral logged, synced, refused.
  Outbox.onChange((event) => {
    const [tab, sub] = location.hash.slice(1).split("/");
    if (tab !== "customers" || !sub || sub === "new" || !["queued", "sent", "rejected"].includes(event.type)) return;
    if ([Kind.VISIT_CREATE, Kind.REFERRAL_CREATE, Kind.CUSTOMER_UPDATE].includes(event.kind)) refreshCard(sub);
  });
  route();
}

let cardTimer = null;
function refreshCard(customerId) {
  clearTimeout(cardTimer);
  cardTimer = setTimeout(() => { if (location.hash === `#customers/${customerId}`) showCard(customerId, { keepFocus: true }); }, 100);
}
