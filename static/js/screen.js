/* What every screen does the same way: say how old the data is when it comes from the phone's snapshot,
   poll only while the user can see the screen, and tell the user what became of a write. */
import { age, t } from "./i18n.js";

/** The "Offline — data from 5 min ago" line: shown with the snapshot's time, hidden for fresh data. With the
    session over, the phone is not offline: the line says that signing in again brings the news. */
export function showAge(line, snapshotAt) {
  line.hidden = snapshotAt === null || snapshotAt === undefined;
  if (line.hidden) {
    line.textContent = "";
    return;
  }
  const key = document.body.dataset.session === "ended" && navigator.onLine ? "signed_out_since" : "offline_since";
  line.textContent = t(key, { age: age(Date.now() - snapshotAt) });
}

/** The snapshot time of a read() result, or null when it came from the network. */
export const snapshotTime = (result) => (result.fromSnapshot ? result.at : null);

/** Run `fn` every `ms` while the page is visible and `shown()` (the screen is the open tab). */
export function pollWhileVisible(fn, ms, shown = () => true) {
  return setInterval(() => { if (document.visibilityState === "visible" && shown()) fn(); }, ms);
}

/** `shown()` for the screen of a tab: true while it is the open one. */
export const tabShown = (key) => () => !document.querySelector(`[data-screen=${key}]`).hidden;

/** What to tell the user of a write(): the server's refusal, `saved` (the server has it), or that it is
    saved on the phone and will sync. */
export function told(result, saved = t("saved")) {
  if (result.rejected) return t("action_failed", { message: result.rejected.error.message });
  return result.sent ? saved : t("saved_offline");
}

/** For a screen that may read again before the last answer came (a write, a notification, the tab opened):
    `const ask = newest();` once, then in each read `const current = ask();` and after it `if (!current())
    return;` — only the newest read draws, never an older answer that arrived last. */
export function newest() {
  let count = 0;
  return () => {
    const mine = ++count;
    return () => mine === count;
  };
}
