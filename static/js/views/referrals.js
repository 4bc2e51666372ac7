/* The referrals tab: routing between its list and one referral (#refer, #refer/<id>; #inbox… and
   #referrals… for other roles), refreshed on a timer while shown and on notifications. The list, the detail
   and the refer sheet are referral-list.js, referral-detail.js and refer-sheet.js. */
import { read } from "../api.js";
import { pollWhileVisible } from "../screen.js";
import { coalesce } from "../timing.js";
import { showCalls } from "./calls.js";
import { closeDetail, showDetail, shownReferral } from "./referral-detail.js";
import { listUrl, screenKey, showList } from "./referral-list.js";

const POLL_MS = 10 * 1000;
let root = null;

function route() {
  if (!root) return;
  const [hashTab, sub] = location.hash.slice(1).split("/");
  const tab = hashTab || document.querySelector("[data-tab]").dataset.tab;  // no hash: the first tab shows
  const key = screenKey(root);
  if (tab === "referrals" && key !== "referrals") {
    location.replace(`#${key}${sub ? `/${sub}` : ""}`);
    return;
  }
  if (tab !== key) return;
  const index = root.querySelector("[data-referral-index]");
  const detail = root.querySelector("[data-referral-detail]");
  index.hidden = Boolean(sub);
  detail.hidden = !sub;
  if (sub) showDetail(root, sub);
  else {
    closeDetail();
    showList(root);
    showCalls();
  }
}

function refresh() {
  if (!root || root.closest("[data-screen]").hidden || document.visibilityState !== "visible") return;
  if (shownReferral()) showDetail(root, shownReferral());
  else {
    showList(root);
    showCalls();
  }
}

export function initReferrals() {
  root = document.querySelector("[data-referrals]");
  window.addEventListener("hashchange", route);
  if (!root) return;
  // The open referrals are part of what the phone shows offline, even if this tab was never opened online:
  // read at start and after each change, shown or not, so that the snapshot is today's.
  const keepSnapshot = () => read(listUrl(root)).catch(() => {});
  const changed = () => {
    const shown = !root.closest("[data-screen]").hidden;
    if (shown) refresh();
    if (!shown || shownReferral()) keepSnapshot();  // the list is not what refresh() reads
  };
  document.addEventListener("lobbypad:notification", (event) => {
    if ((event.detail.kind || "").startsWith("referral.")) changed();
  });
  // A step sent from elsewhere (the notification's Accept in the service worker, a retry) shows at once.
  const changedSoon = coalesce(changed);
  self.LobbypadOutbox.onChange((event) => {
    if (event.type === "sent" && (event.kind || "").startsWith("referral.")) changedSoon();
  });
  pollWhileVisible(refresh, POLL_MS);
  route();
  keepSnapshot();
}
