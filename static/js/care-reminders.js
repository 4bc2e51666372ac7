/* Waiting-time reminders the phone raises itself while the server is out of reach. From the last floor
   snapshot and the device clock it knows when each waiting customer passes the tolerance (and each reminder
   interval after care); it shows the notification through the service worker with the tag the server's push
   uses, so when the push arrives after reconnecting it replaces this one instead of adding a second.
   A step that began well before the phone last heard from the server is the server's: its sweep (every 15 s)
   has told whoever is on duty. One that began in the last minute before that may not have been told when
   the network dropped: the phone reminds, unless it has shown the server's notification of it (the service
   worker notes when, as "notified:<tag>"). */
import { t } from "./i18n.js";

const DB = self.LobbypadDB;
const MINUTE = 60 * 1000;
const NOTIFIED = "notified:";  // written by the service worker when it shows the server's care notification
const SERVER_TELLS_WITHIN = 60 * 1000;  // the server's sweep runs every 15 s; a minute leaves room for delivery
let timer = null;
let shown = null;  // tag → the step already dealt with offline (reminded, or found told by the server)

async function load() {
  if (shown === null) {
    const saved = await DB.get("meta", "careReminders");
    shown = new Map(saved ? saved.value : []);
  }
  return shown;
}

/** The step a waiting customer has reached: null before the care time, 0 at it, 1 after one interval… */
function stepOf(row, now, tolerance, reminder) {
  const due = row.care_given_at ? Date.parse(row.care_given_at) + reminder * MINUTE
    : Date.parse(row.arrived_at) + tolerance * MINUTE;
  if (now < due) return { due, step: null, next: due };
  const step = Math.floor((now - due) / (reminder * MINUTE));
  return { due, step, next: due + (step + 1) * reminder * MINUTE };
}

/**
 * Called with the board's rows whenever it renders. Online, the server tells; offline, it shows what fell
 * due and was not told yet, and sets a timer for the next one (which renders the board again). `heardAt`:
 * when the rows were read from the server.
 */
export async function remindWhileOffline(rows, { tolerance, reminder, offline, rerun, heardAt }) {
  clearTimeout(timer);
  const seen = await load();
  const now = Date.now();
  let next = Infinity;
  const due = [];
  for (const row of rows) {
    if (row.status !== "waiting") continue;
    const tag = `care-wait_care-${row.id}`;
    const { step, next: upcoming, due: dueAt } = stepOf(row, now, tolerance, reminder);
    next = Math.min(next, upcoming);
    if (step === null || !offline) continue;
    const key = `${dueAt}:${step}`;
    if (seen.get(tag) === key) continue;
    seen.set(tag, key);
    const began = dueAt + step * reminder * MINUTE;
    if (began < heardAt - SERVER_TELLS_WITHIN) continue;  // the server has told of it
    const notified = await DB.get("meta", NOTIFIED + tag);
    if (notified && notified.value >= began) continue;  // and this phone has shown it
    due.push({ row, tag, minutes: Math.floor((now - Date.parse(row.arrived_at)) / MINUTE) });
  }
  await DB.putIfSignedIn("meta", { key: "careReminders", value: Array.from(seen).slice(-500) });
  if (offline && due.length && "Notification" in window && Notification.permission === "granted") {
    const registration = await navigator.serviceWorker?.ready;
    for (const { row, tag, minutes } of due) {
      const line = t("care.line", { ticket: row.ticket, business: t(`business.${row.business_type}`), minutes,
        ahead: row.ahead });
      registration?.active?.postMessage({ type: "SHOW_NOTIFICATION", payload: {
        title: `${t("care.offline_reminder")} · ${line}`, body: t("care.hint"), tag, renotify: true,
        url: "/#floor", kind: "wait.care", ref: { type: "visit", id: row.id }, offline: true } });
    }
  }
  if (offline && next < Infinity) timer = setTimeout(rerun, Math.max(1000, next - now + 500));
}

/** The notes of the server's care notifications: another account's are not ours, and yesterday's are of no use. */
export async function forgetNotified({ olderThan = Infinity } = {}) {
  for (const { key, value } of await DB.all("meta")) {
    if (key.startsWith(NOTIFIED) && value < olderThan) await DB.delete("meta", key);
  }
}
