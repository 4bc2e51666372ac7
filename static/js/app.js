/* Entry of the app shell: device state, tab navigation, the sync indicator and the outbox triggers. */
import { pruneSnapshots } from "./api.js";
import { forgetNotified } from "./care-reminders.js";
import { age, t } from "./i18n.js";
import { coalesce } from "./timing.js";
import { notify } from "./toast.js";
import { initArrival } from "./views/arrival.js";
import { initCustomers } from "./views/customers.js";
import { initFloor } from "./views/floor.js";
import { initCards } from "./views/cards.js";
import { initCare } from "./views/care.js";
import { initDashboard } from "./views/dashboard.js";
import { initTasks } from "./views/tasks.js";
import { initMore } from "./views/more.js";
import { initReferrals } from "./views/referrals.js";
import { initComplaints } from "./views/complaints.js";
import { initChecks } from "./views/checks.js";
import { initDaylog } from "./views/daylog.js";
import { initBoard } from "./views/board.js";
import { initCampaign } from "./views/campaign.js";
import { initHandover } from "./views/handover.js";
import { initLive } from "./live.js";
import { initPush } from "./push.js";
import { scrubRefusedNumbers } from "./privacy.js";
import { askToSignIn, initIdleLock } from "./idle-lock.js";
import { onSessionChange } from "./session.js";
import { initShiftCard } from "./shift.js";

const DB = self.LobbypadDB;
const Outbox = self.LobbypadOutbox;
const FLUSH_EVERY_MS = 30 * 1000;

async function rememberSession() {
  const userId = document.querySelector('meta[name="lobbypad-user"]').content;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const previous = await DB.get("meta", "userId");
  if (previous && previous.value !== userId) {
    // Another account signed in on this phone: its snapshots and its place in the notifications, reminders
    // and syncs are not ours (its unsent records stay, hidden, until it signs in again).
    for (const snapshot of await DB.all("snapshots")) await DB.delete("snapshots", snapshot.key);
    for (const key of ["liveCursor", "careReminders", "lastSyncAt", "lastTicket"]) await DB.delete("meta", key);
    await forgetNotified();
  }
  await DB.put("meta", { key: "userId", value: userId });
  await DB.put("meta", { key: "csrf", value: csrf });
  await DB.put("meta", { key: "signedOut", value: false });
}

function initTabs() {
  const tabs = Array.from(document.querySelectorAll("[data-tab]"));
  const show = () => {
    const wanted = location.hash.slice(1).split("/")[0];
    // A screen without a tab (the checks) lights its parent's tab.
    const screen = document.querySelector(`[data-screen="${CSS.escape(wanted)}"]`);
    const key = screen ? wanted : tabs[0].dataset.tab;
    const lit = (screen && screen.dataset.parentTab) || key;
    tabs.forEach((tab) => {
      if (tab.dataset.tab === lit) tab.setAttribute("aria-current", "page");
      else tab.removeAttribute("aria-current");
    });
    document.querySelectorAll("[data-screen]").forEach((screen) => { screen.hidden = screen.dataset.screen !== key; });
  };
  window.addEventListener("hashchange", () => {
    show();
    document.getElementById("main").focus({ preventScroll: true });
  });
  show();
}

let lastOnlineRead = Date.now();

async function renderStatus() {
  const [pending, rejected, signedOut] = await Promise.all([
    Outbox.pending(), Outbox.rejected(), DB.get("meta", "signedOut")]);
  const net = document.querySelector("[data-net-status]");
  const sync = document.querySelector("[data-sync-status]");
  const online = navigator.onLine;
  net.textContent = online ? t("online") : t("offline_since", { age: age(Date.now() - lastOnlineRead) });
  net.dataset.state = online ? "online" : "offline";
  document.body.classList.toggle("is-offline", !online);
  const ended = Boolean(signedOut && signedOut.value);
  document.body.dataset.session = ended ? "ended" : "open";
  document.querySelector("[data-sign-in-again]").hidden = !ended;
  // Never "all saved" while something was refused: the refusal is the news.
  let text = t("all_synced");
  if (pending.length) text = t("pending_sync", { n: pending.length });
  else if (rejected.length) text = t("rejected_only", { n: rejected.length });
  if (ended && pending.length) text = `${text} · ${t("sign_in_to_sync")}`;
  if (pending.length && rejected.length) text = `${text} · ${t("rejected", { n: rejected.length })}`;
  sync.textContent = text;
  sync.dataset.pending = String(pending.length);
  sync.dataset.state = rejected.length ? "rejected" : pending.length ? "pending" : "synced";
  document.dispatchEvent(new CustomEvent("lobbypad:status", { detail: { pending, rejected } }));
}

/** Refused records keep no full number past the day (privacy.js); the user hears when theirs lost one. */
async function removeStaleNumbers() {
  const userId = document.querySelector('meta[name="lobbypad-user"]').content;
  const removed = await scrubRefusedNumbers(userId);
  if (removed) {
    notify(t("numbers_removed", { n: removed }));
    renderStatus();
  }
}

async function main() {
  await rememberSession();
  await pruneSnapshots();
  await forgetNotified({ olderThan: Date.now() - 12 * 60 * 60 * 1000 });
  await removeStaleNumbers();
  // Ask the browser not to evict the outbox under storage pressure (granted silently to installed apps).
  navigator.storage?.persist?.().catch(() => {});
  initTabs();
  initIdleLock();
  initMore();
  initArrival();
  if (document.querySelector("[data-board]")) initFloor();
  if (document.querySelector("[data-customer-search]")) initCustomers();
  initReferrals();
  initComplaints();
  initChecks();
  initDaylog();
  initBoard();
  initCampaign();
  initHandover();
  initCards();
  initCare();
  initTasks();
  initDashboard();
  initPush();
  initShiftCard();
  if (document.querySelector('meta[name="lobbypad-role"]').content !== "admin") initLive();
  const statusSoon = coalesce(renderStatus);  // a sync sends hundreds: redraw after the burst
  Outbox.onChange((event) => (event.type === "sent" ? statusSoon() : renderStatus()));
  // A record accepted after the visit had moved on: say so wherever the user is (details stay in Sync).
  Outbox.onChange((event) => { if (event.type === "notice") notify(event.message); });
  document.querySelector("[data-sign-in-again]").addEventListener("click", askToSignIn);
  onSessionChange(() => renderStatus());
  window.addEventListener("online", () => { lastOnlineRead = Date.now(); Outbox.flush(); renderStatus(); });
  window.addEventListener("offline", () => { lastOnlineRead = Date.now(); renderStatus(); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") Outbox.flush(); });
  setInterval(() => { Outbox.flush({ force: false }); removeStaleNumbers(); }, FLUSH_EVERY_MS);
  await renderStatus();
  navigator.serviceWorker?.ready.then((registration) => {
    if (!navigator.serviceWorker.controller) registration.active.postMessage({ type: "CLAIM" });
    registration.active.postMessage({ type: "CACHE_SHELL" });
  });
  // The service worker asks an open window to show a notification's page (when it cannot navigate it).
  navigator.serviceWorker?.addEventListener("message", (event) => {
    if (event.data && event.data.type === "OPEN") location.assign(event.data.url);
  });
  await Outbox.flush();
  document.body.dataset.ready = "true";
}

main().catch((error) => console.error("Lobbypad failed to start", error));
