/* The live channel: while the app is open it asks for new notifications every few seconds, so that a
   phone Web Push cannot reach (no Google services, a bank intranet) still hears about referrals. It shows
   them through the service worker with the push's own tag, so a push that also arrives replaces it. */
import { notify } from "./toast.js";

const DB = self.LobbypadDB;
const POLL_MS = 4000;
let polling = false;

async function poll() {
  if (polling || document.visibilityState !== "visible" || !navigator.onLine) return;
  polling = true;
  try {
    const cursor = await DB.get("meta", "liveCursor");
    const url = cursor ? `/api/v1/notifications?after=${encodeURIComponent(cursor.value)}` : "/api/v1/notifications";
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok) return;
    const { notifications, now } = await response.json();
    const newest = notifications.length ? notifications[notifications.length - 1].created_at : null;
    await DB.putIfSignedIn("meta", { key: "liveCursor", value: newest || (cursor ? cursor.value : now) });
    if (!cursor) return;  // the first poll on this phone only sets where to start
    for (const item of notifications) show(item);
  } catch (error) {
    /* offline or signed out: the next tick tries again */
  } finally {
    polling = false;
  }
}

function show(item) {
  notify(`${item.title} — ${item.body}`);
  document.dispatchEvent(new CustomEvent("lobbypad:notification", { detail: item }));
  if ("Notification" in window && Notification.permission === "granted" && navigator.serviceWorker) {
    navigator.serviceWorker.ready.then((registration) => registration.active.postMessage({ type: "SHOW_NOTIFICATION", payload: item }));
  }
}

export function initLive() {
  setInterval(poll, POLL_MS);
  document.addEventListener("visibilitychange", poll);
  poll();
}
