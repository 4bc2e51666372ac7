/* The floor board: everyone waiting, longest wait first, with one-tap steps. It merges the server's board
   with what this phone has not synced yet, ticks the waited minutes locally, polls with ETag, and never
   reorders rows under the user's finger. */
import { hold, newId, read, write } from "../api.js";
import { Kind } from "../kinds.js";
import { el } from "../dom.js";
import { t } from "../i18n.js";
import { pollWhileVisible, showAge, tabShown } from "../screen.js";
import { branchSettings } from "../settings.js";
import { notify } from "../toast.js";
import { explain, money } from "../triage.js";
import { remindWhileOffline } from "../care-reminders.js";
import { coalesce } from "../timing.js";
import { openCare } from "./care.js";
import { openComplaint } from "./complaint-sheet.js";
import { openRefer } from "./refer-sheet.js";
import { nameOf } from "../names.js";
import { startLinking } from "./linking.js";
import { pendingFaults } from "./fault-sheet.js";
import { guideFor, loadGuides } from "../guides.js";

const Outbox = self.LobbypadOutbox;
const FLOOR_URL = "/api/v1/floor";
const POLL_MS = 10 * 1000;
const TICK_MS = 20 * 1000;
const HANDS_OFF_MS = 1500;  // after a touch, wait this long before moving rows
const CHANNELS = ["self_service", "counter", "vip_area", "green_channel"];
const PRIORITY_CHANNELS = new Set(["green_channel", "vip_area"]);  // seen to first
const CLOSING = new Set(["served", "left", "logged_in_error"]);
const UNDO_MS = 5000;  // a step that takes the customer off the board waits this long: the user may undo it

let server = { visits: [], wait_tolerance_minutes: 15 };
let snapshotAt = null;
let serverAt = 0;  // how fresh `server` is: an older snapshot read offline must not replace it
let lastTouch = 0;
let renderTimer = null;
let readSeq = 0;  // only the latest read may replace the board (an older answer can be stale)

function waitedMinutes(visit, now = Date.now()) {
  return Math.max(0, Math.floor((now - Date.parse(visit.arrived_at)) / 60000));
}

function toleranceState(visit, tolerance) {
  if (!["waiting", "called"].includes(visit.status)) return "ok";
  const waited = waitedMinutes(visit);
  if (waited >= tolerance) return "over";
  return waited * 3 >= tolerance * 2 ? "near" : "ok";
}

/** The server's rows with this phone's unsynced arrivals and steps applied on top. */
async function compose() {
  const pending = await Outbox.pending();
  const rows = new Map(server.visits.map((v) => [v.id, { ...v, unsynced: false }]));
  for (const record of pending) {
    if (record.kind === Kind.VISIT_CREATE && !rows.has(record.id)) {
      const { body, local } = record;
      const suggestion = local && local.triage;
      const channel = body.channel || (suggestion ? suggestion.channel : "counter");
      rows.set(record.id, {
        id: record.id, ticket: body.ticket, status: "waiting", business_type: body.business_type,
        amount: body.amount ?? null, arrived_at: body.arrived_at, channel, flags: body.flags || [],
        tier: local && local.customer ? local.customer.tier : "ordinary",
        customer: local && local.customer ? local.customer : null,
        triage_reason: body.override_reason
          ? explain("override", { reason: body.override_reason }, channel)
          : suggestion ? explain(suggestion.rule, suggestion.params, suggestion.channel) : "",
        unsynced: true,
      });
    }
  }
  for (const record of pending) {
    if (record.kind === Kind.CARE_DONE || record.kind === Kind.CARE_SKIP) {  // recorded here, not synced yet
      const row = rows.get(record.local.visitId);
      if (!row) continue;
      row.care_tasks = (row.care_tasks || []).filter((task) => task.id !== record.local.taskId);
      if (record.kind === Kind.CARE_DONE && record.local.kind === "wait_care") row.care_given_at = record.body.occurred_at;
      row.unsynced = true;
      continue;
    }
    if (record.kind === Kind.VISIT_LINK) {  // linked here, not synced yet: the board names them already
      const row = rows.get(record.local.visitId);
      if (row) Object.assign(row, { customer: record.local.customer, tier: record.local.customer.tier, unsynced: true });
      continue;
    }
    if (record.kind !== Kind.VISIT_EVENT) continue;
    const row = rows.get(record.local.visitId);
    if (!row) continue;
    const type = record.body.type;
    if (CLOSING.has(type)) rows.delete(row.id);
    else if (type === "called") Object.assign(row, { status: "called", unsynced: true });
    else if (type === "care") Object.assign(row, { care_given_at: record.body.occurred_at, unsynced: true });
  }
  const list = Array.from(rows.values()).sort((a, b) => Date.parse(a.arrived_at) - Date.parse(b.arrived_at));
  const before = {};
  for (const row of list) {
    row.ahead = row.status === "waiting" ? (before[row.channel] || 0) : 0;
    if (row.status === "waiting") before[row.channel] = row.ahead + 1;
    row.priority = PRIORITY_CHANNELS.has(row.channel) && ["waiting", "called"].includes(row.status);
  }
  // As the server sorts (server/floor/service.py is_priority): priority customers first, then longest wait.
  return list.sort((a, b) => Number(b.priority) - Number(a.priority));
}


function badges(row) {
  const list = [];
  if (row.tier === "vip") list.push(["vip", t("tier.vip")]);
  if (row.tier === "potential") list.push(["potential", t("tier.potential")]);
  if ((row.care_tasks || []).length) list.push(["care", t("care.badge")]);
  if (row.channel === "green_channel") list.push(["green", t("channel.green_channel")]);
  for (const flag of row.flags || []) list.push(["flag", t(`flag.${flag}`)]);
  if (row.unsynced) list.push(["unsynced", t("not_synced_yet")]);
  return list;
}

function actionButton(label, action, ticket) {
  const button = el("button", "button small", label);
  button.type = "button";
  button.dataset.action = action;
  button.setAttribute("aria-label", `${label} ${ticket}`);
  return button;
}

function buildRow(row) {
  const li = el("li", "visit");
  li.dataset.id = row.id;
  li.dataset.business = row.business_type;
  const main = el("div", "visit-main");
  const head = el("div", "visit-head");
  head.append(el("span", "ticket", row.ticket));
  const who = row.customer ? el("a", "visit-who", nameOf(row.customer)) : el("span", "visit-who", t("walk_in"));
  if (row.customer) who.href = `#customers/${row.customer.id}`;
  head.append(who);
  const badgeBox = el("span", "badges");
  for (const [kind, text] of badges(row)) badgeBox.append(el("span", `badge badge-${kind}`, text));
  head.append(badgeBox);
  const what = [t(`business.${row.business_type}`)];
  if (row.amount) what.push(t("amount_cny", { amount: money(row.amount) }));  // as the triage reason writes it
  what.push(t(`channel.${row.channel}`));
  if (row.status === "waiting") what.push(t("ahead", { n: row.ahead }));
  else what.push(t(row.status === "called" ? "called" : "served"));
  main.append(head, el("p", "visit-what", what.join(" · ")), el("p", "visit-why", row.triage_reason || ""));
  if (row.referral) main.append(el("p", `visit-referral status-${row.referral.status}`));
  const wait = el("div", "visit-wait");
  wait.append(el("span", "minutes"), el("span", "unit"));
  const actions = el("div", "visit-actions");
  if (row.status === "waiting") actions.append(actionButton(t("called"), "called", row.ticket));
  actions.append(actionButton(t("served"), "served", row.ticket));
  if (row.status !== "serving") actions.append(actionButton(t("left"), "left", row.ticket));
  actions.append(actionButton(t("care"), "care", row.ticket));
  actions.append(actionButton(t("logged_in_error"), "logged_in_error", row.ticket));
  if (!row.customer) actions.append(actionButton(t("who_is_it"), "link", row.ticket));  // a walk-in found later
  if (!row.unsynced) actions.append(actionButton(t("complaint.short"), "complaint", row.ticket));
  if (row.customer && !row.unsynced) {  // a potential VIP seen on the floor: refer from the board itself
    actions.append(actionButton(t("refer"), "refer", row.ticket));
    li.dataset.customerId = row.customer.id;
    li.dataset.greeting = nameOf(row.customer);
  }
  const guide = guideFor(row.business_type);
  if (guide.length && ["waiting", "called"].includes(row.status)) {  // what to bring, to check while they wait
    const details = el("details", "visit-guide");
    details.append(el("summary", "", t("guide.title")));
    const list = el("ul", "guide-list");
    for (const line of guide) list.append(el("li", "", `${t(`guide_kind.${line.kind}`)}: ${line.text}`));
    details.append(list);
    main.append(details);
  }
  li.append(main, wait, actions);
  const task = (row.care_tasks || [])[0];
  if (task) li.dataset.careTask = JSON.stringify({ id: task.id, kind: task.kind });
  li.dataset.signature = JSON.stringify([row.status, row.channel, row.ahead, row.unsynced, row.customer && nameOf(row.customer),
    row.tier, row.triage_reason, row.flags, (row.care_tasks || []).map((t) => t.id), row.referral, guide.length]);
  return li;
}

/** The referral of the row's customer: under way, or who is coming, counted down from the acceptance. */
function referralText(referral, now = Date.now()) {
  const name = referral.to ? referral.to.display_name : "";
  if (referral.status === "met") return t("board.referral_met", { name });
  if (referral.status !== "accepted") return t("board.referral_sent", { name });
  if (referral.urgency === "follow_up" || referral.eta_minutes === null) return t("board.referral_accepted", { name });
  const left = referral.eta_minutes - Math.floor((now - Date.parse(referral.accepted_at)) / 60000);
  return left > 0 ? t("board.referral_coming", { name, n: left }) : t("board.referral_due", { name });
}

function updateWait(li, row, tolerance) {
  const minutes = waitedMinutes(row);
  if (row.referral) li.querySelector(".visit-referral").textContent = referralText(row.referral);
  li.dataset.state = toleranceState(row, tolerance);
  li.querySelector(".minutes").textContent = String(minutes);
  li.querySelector(".unit").textContent = t("minutes", { n: "" }).trim();
  li.querySelector(".visit-wait").setAttribute("aria-label", t("waited", { n: minutes }));
}

function renderCounts(rows) {
  const box = document.querySelector("[data-floor-counts]");
  const counts = Object.fromEntries(CHANNELS.map((c) => [c, 0]));
  rows.filter((r) => r.status === "waiting").forEach((r) => { counts[r.channel] += 1; });
  box.replaceChildren(...CHANNELS.map((channel) => {
    const chip = el("span", `count count-${channel}`);
    chip.append(el("strong", "", String(counts[channel])), el("span", "", t(`channel.${channel}`)));
    const minutes = channelEstimate(channel);
    if (minutes !== null) chip.append(el("span", "count-wait", t("wait.about", { minutes })));
    return chip;
  }));
}

/** Minutes a customer arriving now would wait in `channel`, by the board's last read (null: no estimate). */
export const channelEstimate = (channel) => (server.estimates ? server.estimates[channel] ?? null : null);

/** The businesses no self-service machine can do now (the triage sends them to the counter, offline too). */
export const selfServiceDown = () => server.self_service_down || [];

/** Open faults above the waiting list, this phone's unsent reports included, until they are fixed. */
function renderFaults(pending) {
  const strip = document.querySelector("[data-fault-strip]");
  if (!strip) return;
  const faults = [...pendingFaults(pending, server.faults || []), ...(server.faults || [])];
  strip.hidden = faults.length === 0;
  strip.replaceChildren(...faults.map((fault) => {
    const li = el("li", `fault-chip severity-${fault.severity}`);
    const link = el("a", "", fault.asset ? `${fault.asset.name} · ${fault.symptom}` : fault.symptom);
    link.href = `#checks/fault/${fault.id}`;
    li.append(link);
    if (fault.unsynced) li.append(el("span", "badge badge-unsynced", t("saved_offline")));
    return li;
  }));
}

/** Nobody on duty: care notifications go to the supervisor meanwhile, and the floor says so. */
function renderDuty() {
  const line = document.querySelector("[data-no-duty]");
  if (line) line.hidden = server.lobby_managers_on_duty !== 0;
}

function busy() {
  return Date.now() - lastTouch < HANDS_OFF_MS || document.querySelector("dialog[open]") !== null;
}

async function render({ force = false } = {}) {
  if (!force && busy()) {
    clearTimeout(renderTimer);
    renderTimer = setTimeout(() => render(), HANDS_OFF_MS);
    return;
  }
  const rows = await compose();
  const board = document.querySelector("[data-board]");
  const tolerance = server.wait_tolerance_minutes || (await branchSettings()).wait_tolerance_minutes;
  const existing = new Map(Array.from(board.children, (li) => [li.dataset.id, li]));
  const ordered = rows.map((row) => {
    let li = existing.get(row.id);
    const fresh = buildRow(row);
    if (!li || li.dataset.signature !== fresh.dataset.signature) {
      if (li && li.contains(document.activeElement)) {
        li.replaceWith(fresh);
        fresh.querySelector(`[data-action="${document.activeElement.dataset?.action}"]`)?.focus();
      }
      li = fresh;
    }
    updateWait(li, row, tolerance);
    return li;
  });
  const same = ordered.length === board.children.length && ordered.every((li, i) => board.children[i] === li);
  if (!same) board.replaceChildren(...ordered);
  renderCounts(rows);
  renderDuty();
  renderFaults(await Outbox.pending());
  document.querySelector("[data-board-loading]").hidden = true;
  document.querySelector("[data-board-empty]").hidden = rows.length > 0;
  showAge(document.querySelector("[data-floor-age]"), snapshotAt);
  const settings = server.care_reminder_minutes ? server : await branchSettings();
  await remindWhileOffline(rows, { tolerance, reminder: settings.care_reminder_minutes,
    offline: snapshotAt !== null || !navigator.onLine, heardAt: serverAt, rerun: () => render({ force: true }) });
}

async function refresh() {
  const seq = ++readSeq;
  try {
    const result = await read(FLOOR_URL);
    if (seq !== readSeq) return;
    // Offline, the stored snapshot may predate answers this page has merged since (arrivals the server
    // took just before the network went): those rows must not vanish from the board.
    if (!result.fromSnapshot || result.at >= serverAt) {
      server = result.data;
      serverAt = result.at;
    }
    snapshotAt = result.fromSnapshot ? result.at : null;
  } catch (error) {
    document.querySelector("[data-board-loading]").textContent = t("load_failed");
  }
  await render();
}

/** What the server answered to a write, on the board at once (before the next read confirms it). */
function mergeAnswer(event) {
  const visit = event.answer && event.answer.visit;
  if (!visit) return;
  serverAt = Date.now();
  const open = ["waiting", "called", "serving"].includes(visit.status);
  const known = server.visits.find((v) => v.id === visit.id);
  const others = server.visits.filter((v) => v.id !== visit.id);
  if (!open) server = { ...server, visits: others };
  else if (known) {
    const customer = known.customer || (event.local && event.local.customer) || null;  // a walk-in just linked
    server = { ...server, visits: [...others, { ...known, ...visit, customer }] };
  }
  else server = { ...server, visits: [...others, { ...visit, customer: (event.local && event.local.customer) || null }] };
}

async function step(visitId, ticket, type) {
  const id = newId();
  const body = { id, type, occurred_at: new Date().toISOString() };
  const record = { kind: Kind.VISIT_EVENT, url: `/api/v1/visits/${visitId}/events`, body, local: { visitId, ticket } };
  if (CLOSING.has(type)) {
    await hold({ ...record, holdMs: UNDO_MS });
    await render({ force: true });
    notify(`${ticket} · ${t(type)}`, { action: t("undo"), ms: UNDO_MS, onAction: () => undoStep(id, ticket) });
    return;
  }
  const sending = write(record);
  await render({ force: true });
  const result = await sending;
  if (!result.rejected) notify(`${ticket} · ${t(type)} · ${result.sent ? t("saved") : t("saved_offline")}`);
}

async function undoStep(id, ticket) {
  const undone = await Outbox.undo(id);
  notify(undone ? t("step_undone", { ticket }) : t("undo_too_late", { ticket }));
  if (undone) {
    await render({ force: true });
    document.querySelector(`[data-board] [data-id] [aria-label$=" ${ticket}"]`)?.focus();
  }
}

/** The row of a ticket still on the board (this phone's unsynced arrivals included), or null. */
export async function openRowWithTicket(ticket) {
  return (await compose()).find((row) => row.ticket === ticket && ["waiting", "called", "serving"].includes(row.status)) || null;
}

/** Bring a row into view and put the focus on it (a ticket logged twice: "it is here"). */
export function showRow(id) {
  const li = document.querySelector(`[data-board] [data-id="${CSS.escape(id)}"]`);
  if (!li) return;
  li.scrollIntoView({ block: "center" });
  li.classList.add("flash");
  li.querySelector("[data-action]")?.focus();
  setTimeout(() => li.classList.remove("flash"), 2000);
}

function initActions() {
  const board = document.querySelector("[data-board]");
  board.addEventListener("pointerdown", () => { lastTouch = Date.now(); });
  board.addEventListener("click", (event) => {
    const button = event.target.closest("[data-action]");
    if (!button) return;
    const li = button.closest("[data-id]");
    const ticket = li.querySelector(".ticket").textContent;
    if (button.dataset.action === "link") {
      startLinking({ visitId: li.dataset.id, ticket });
      return;
    }
    if (button.dataset.action === "complaint") {
      const customer = li.dataset.customerId ? { id: li.dataset.customerId, greeting_name: li.dataset.greeting } : null;
      openComplaint({ visitId: li.dataset.id, ticket, businessType: li.dataset.business, customer });
      return;
    }
    if (button.dataset.action === "refer") {
      openRefer({ id: li.dataset.customerId, greeting_name: li.dataset.greeting });
      return;
    }
    if (button.dataset.action === "care") {
      const task = li.dataset.careTask ? JSON.parse(li.dataset.careTask) : null;
      openCare({ task, visitId: li.dataset.id, ticket, line: li.querySelector(".visit-what").textContent,
        business: li.dataset.business });
      return;
    }
    step(li.dataset.id, ticket, button.dataset.action);
  });
}

export function initFloor() {
  initActions();
  const refreshSoon = coalesce(refresh);
  Outbox.onChange((event) => {
    // A checklist's fault reaches the strip once the server has it; its other writes are not the board's.
    if (event.kind === "check.tick" && event.type === "sent") refreshSoon();
    if (event.kind && !/^(visit|care|fault)\./.test(event.kind)) return;
    if (event.type === "sent") mergeAnswer(event);
    if (event.type === "sent" || event.type === "rejected") refreshSoon();
    else render({ force: event.type === "queued" || event.type === "undone" });
    // A held step went after the toast was gone: a refusal must still be heard.
    if (event.type === "rejected" && event.kind === Kind.VISIT_EVENT) notify(t("action_failed", { message: event.error.message }));
  });
  pollWhileVisible(refresh, POLL_MS, tabShown("floor"));
  setInterval(() => render(), TICK_MS);
  window.addEventListener("online", refresh);
  window.addEventListener("offline", () => render({ force: true }));  // offline reminders start now
  refresh();
  loadGuides().then(() => render({ force: true }));  // the rows gain what to bring
}
