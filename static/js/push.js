/* Web Push on this device: the state shown in settings (on / off / blocked / not supported / install
   first on iOS), turning it on after a tap, a test notification, and re-sending the subscription each
   time the app opens (subscriptions change silently; the server must always know the current one). */
import { read, write, newId } from "./api.js";
import { Kind } from "./kinds.js";
import { t } from "./i18n.js";
import { told } from "./screen.js";
import { notify } from "./toast.js";

const Outbox = self.LobbypadOutbox;
const isIos = () => /iPhone|iPad|iPod/.test(navigator.userAgent);
const installed = () => window.matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;

function keyBytes(base64url) {
  const base64 = (base64url + "=".repeat((4 - (base64url.length % 4)) % 4)).replace(/-/g, "+").replace(/_/g, "/");
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** "on" | "off" | "blocked" | "unsupported" | "ios_install" */
export async function pushState() {
  if (isIos() && !installed()) return "ios_install";  // iOS offers Web Push only to apps on the home screen
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) return "unsupported";
  if (Notification.permission === "denied") return "blocked";
  if (Notification.permission !== "granted") return "off";
  const registration = await navigator.serviceWorker.ready;
  return (await registration.pushManager.getSubscription()) ? "on" : "off";
}

/** The outbox record has a fixed id per endpoint: re-sending on every open replaces, never piles up. */
async function sendSubscription(subscription) {
  const id = `push-${btoa(subscription.endpoint).replace(/[^A-Za-z0-9]/g, "").slice(-40)}`;
  return write({ kind: Kind.PUSH_SUBSCRIBE, url: "/api/v1/push/subscriptions", body: subscription.toJSON(), id });
}

async function subscribe(registration) {
  const { data } = await read("/api/v1/push/vapid-public-key");
  return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(data.public_key) });
}

/** Sends the subscription; when it was another account's on this phone (the server refuses to move it, so
    that nobody can take a colleague's notifications), this browser makes a fresh one of its own. */
async function sendOwnSubscription(registration, subscription) {
  const result = await sendSubscription(subscription);
  if (!result.rejected || result.rejected.error.code !== "subscription_taken") return result;
  await Outbox.dismissRejected(result.record.id);
  await subscription.unsubscribe();
  return sendSubscription(await subscribe(registration));
}

async function enable() {
  const permission = await Notification.requestPermission();  // only ever after the user's tap
  if (permission !== "granted") return;
  const registration = await navigator.serviceWorker.ready;
  const result = await sendOwnSubscription(registration, await subscribe(registration));
  if (result.rejected) notify(t("action_failed", { message: result.rejected.error.message }));
  else notify(result.sent ? t("push.enabled") : t("saved_offline"));
}

async function render() {
  const section = document.querySelector("[data-push-state]");
  if (!section) return;
  const state = await pushState();
  section.textContent = t(`push.state_${state}`);
  section.dataset.state = state;
  document.querySelector("[data-push-enable]").hidden = state !== "off";
  document.querySelector("[data-push-test]").hidden = state === "unsupported" || state === "ios_install";
}

export async function resendSubscription() {
  if (!("PushManager" in window) || !("Notification" in window) || Notification.permission !== "granted") return;
  const registration = await navigator.serviceWorker.ready;
  const subscription = await registration.pushManager.getSubscription();
  if (subscription) await sendOwnSubscription(registration, subscription);
}

/** Ask for notifications after the user's tap (More → Notifications, or the start-of-shift card). */
export async function turnOnNotifications() {
  try {
    await enable();
  } catch (error) {
    notify(t("push.failed", { message: error.message }));
  } finally {
    await render();
  }
}

export function initPush() {
  const enableButton = document.querySelector("[data-push-enable]");
  if (!enableButton) return;
  enableButton.addEventListener("click", async () => {
    enableButton.disabled = true;
    await turnOnNotifications();
    enableButton.disabled = false;
  });
  document.querySelector("[data-push-test]").addEventListener("click", async () => {
    const result = await write({ kind: Kind.PUSH_TEST, url: "/api/v1/push/test", body: { id: newId() } });
    notify(told(result, t("push.test_sent", { n: result.answer ? result.answer.devices : 0 })));
  });
  render();
  resendSubscription().catch(() => {});
}
