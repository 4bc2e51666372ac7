/* The idle lock: a handheld left untouched for the branch's `idle_lock_minutes` covers the screen and asks for
   the password again. Nothing underneath changes: the screen as it was, the outbox still syncing. Online the
   server checks the password (rate-limited); offline, the verifier made at sign-in does (unlock-verifier.js).
   A reload while locked stays locked.
   The same dialog signs in again in place when the session has ended (mode "sign-in"): a new session for the
   same account, with the screen and the outbox kept. */
import { branchSettings } from "./settings.js";
import { t } from "./i18n.js";
import { markSignedIn } from "./session.js";

const DB = self.LobbypadDB;
const Verifier = self.LobbypadVerifier;
const LOCKED_KEY = "lobbypad.locked";
const ACTIVITY = ["pointerdown", "keydown", "touchstart", "wheel"];
const CHECK_EVERY_MS = 15 * 1000;
const DEFAULT_MINUTES = 10;
const PENDING_VERIFIER = "lobbypad.verifier";  // handed over by the sign-in page (login.js)

let lastActive = Date.now();

async function adoptVerifierFromSignIn() {
  const handed = sessionStorage.getItem(PENDING_VERIFIER);
  sessionStorage.removeItem(PENDING_VERIFIER);
  const username = document.querySelector('meta[name="lobbypad-username"]').content;
  if (!handed) return;
  const verifier = JSON.parse(handed);
  if (verifier.username === username) await DB.put("meta", { key: "unlockVerifier", value: verifier });
}

async function checkOnline(password) {
  const csrf = await DB.get("meta", "csrf");
  const response = await fetch("/api/v1/auth/unlock", {
    method: "POST", credentials: "same-origin", cache: "no-store",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf ? csrf.value : "" },
    body: JSON.stringify({ password }),
  });
  if (response.ok) return { ok: true };
  const answer = await response.json().catch(() => null);
  const error = (answer && answer.error) || {};
  if (error.code === "unauthenticated") return { ok: false, message: t("lock_session_ended"), signIn: true };
  return { ok: false, message: error.message || t("lock_wrong") };
}

/** A new session for the same account; its token goes to the outbox, which then sends what waited. */
async function signInAgain(password) {
  const username = document.querySelector('meta[name="lobbypad-username"]').content;
  const response = await fetch("/api/v1/auth/login", {
    method: "POST", credentials: "same-origin", cache: "no-store",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password }),
  });
  const answer = await response.json().catch(() => null);
  if (!response.ok) return { ok: false, message: (answer && answer.error && answer.error.message) || t("lock_wrong") };
  await markSignedIn(answer.csrf_token);
  self.LobbypadOutbox.flush();
  return { ok: true };
}

let openSignIn = () => {};

/** Sign in again in place (the header's button, sign-out with records waiting). */
export function askToSignIn() {
  openSignIn();
}

async function checkOffline(password) {
  const stored = await DB.get("meta", "unlockVerifier");
  if (!stored) return { ok: false, message: t("lock_needs_network") };
  return (await Verifier.matches(stored.value, password)) ? { ok: true } : { ok: false, message: t("lock_wrong") };
}

export function initIdleLock() {
  const dialog = document.querySelector("[data-lock-dialog]");
  if (!dialog) return;
  const form = dialog.querySelector("form");
  const error = dialog.querySelector("[data-lock-error]");
  const button = form.querySelector("button[type=submit]");
  const later = dialog.querySelector("[data-lock-later]");
  let minutes = DEFAULT_MINUTES;  // the branch's own number as soon as its settings are read

  const setMode = (mode) => {
    dialog.dataset.mode = mode;
    for (const node of dialog.querySelectorAll("[data-lock-title], [data-lock-hint], [data-lock-submit]")) {
      node.textContent = mode === "sign-in" ? node.dataset.signIn : node.dataset.lock;
    }
    // Signing in may wait (the records wait with it); an idle lock may not be dismissed.
    later.hidden = mode !== "sign-in" || localStorage.getItem(LOCKED_KEY) === "1";
  };
  const show = (mode) => {
    error.textContent = "";
    form.reset();
    setMode(mode);
    if (!dialog.open) dialog.showModal();
    form.password.focus();
  };
  const lock = () => {
    if (dialog.open) return;
    localStorage.setItem(LOCKED_KEY, "1");
    show("lock");
  };
  const unlock = () => {
    localStorage.removeItem(LOCKED_KEY);
    lastActive = Date.now();
    dialog.close();
  };
  openSignIn = () => show("sign-in");
  later.addEventListener("click", () => dialog.close());
  const check = () => { if (Date.now() - lastActive >= minutes * 60 * 1000) lock(); };

  // Armed at once, before anything is read: a phone put down while the app starts still locks.
  for (const type of ACTIVITY) {
    document.addEventListener(type, () => { if (!dialog.open) lastActive = Date.now(); }, { capture: true, passive: true });
  }
  setInterval(check, CHECK_EVERY_MS);
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") check(); });
  dialog.addEventListener("cancel", (event) => event.preventDefault());  // Escape does not unlock
  if (localStorage.getItem(LOCKED_KEY)) lock();
  branchSettings().then((settings) => { minutes = settings.idle_lock_minutes || DEFAULT_MINUTES; });
  adoptVerifierFromSignIn();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = form.password.value;
    if (!password) {
      error.textContent = t("lock_password_required");
      return;
    }
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    let result;
    try {
      if (dialog.dataset.mode !== "sign-in") {
        result = navigator.onLine ? await checkOnline(password).catch(() => checkOffline(password)) : await checkOffline(password);
      }
      // The session ended (or had ended while the phone was locked): the same password signs in again.
      if (!result || result.signIn) {
        setMode("sign-in");
        result = await signInAgain(password).catch(() => ({ ok: false, message: t("sign_in_needs_network") }));
      }
    } finally {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    }
    if (!result.ok) {
      error.textContent = result.message;
      form.password.select();
      return;
    }
    unlock();
    // Each unlock online refreshes the offline verifier (a password changed elsewhere is taken up).
    if (navigator.onLine) Verifier.make(document.querySelector('meta[name="lobbypad-username"]').content, password)
      .then((verifier) => verifier && DB.put("meta", { key: "unlockVerifier", value: verifier }));
  });
}
