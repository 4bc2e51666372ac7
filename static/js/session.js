/* An ended session (signed out elsewhere, expired, ended by an administrator) is not a dead end: every
   screen says so instead of "offline", the header offers "Sign in again", and signing in happens in place
   (idle-lock.js): the screen and the records waiting on this phone are kept. */
const DB = self.LobbypadDB;
const EVENT = "lobbypad:session";

/** The server answered 401: the session is over (the outbox marks the same when a write is refused so). */
export async function markSessionEnded() {
  document.body.dataset.session = "ended";  // at once: the screen that got the 401 words its age line by it
  const known = await DB.get("meta", "signedOut");
  if (known && known.value) return;
  await DB.putIfSignedIn("meta", { key: "signedOut", value: true });  // not once sign-out has wiped the phone
  document.dispatchEvent(new CustomEvent(EVENT, { detail: { ended: true } }));
}

/** Signed in again in place: the new session's token for the outbox, and everyone is told. */
export async function markSignedIn(csrfToken) {
  document.body.dataset.session = "open";
  await DB.put("meta", { key: "csrf", value: csrfToken });
  await DB.put("meta", { key: "signedOut", value: false });
  document.querySelector('meta[name="csrf-token"]')?.setAttribute("content", csrfToken);
  document.dispatchEvent(new CustomEvent(EVENT, { detail: { ended: false } }));
}

export async function sessionEnded() {
  const known = await DB.get("meta", "signedOut");
  return Boolean(known && known.value);
}

export const onSessionChange = (fn) => document.addEventListener(EVENT, (event) => fn(event.detail.ended));
