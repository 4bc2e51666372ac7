/* Reads and writes of the app. Reads: network first with a short timeout, else the last snapshot with
   its age. Writes: always through the outbox (static/js/outbox.js), never a bare fetch. */
import { markSessionEnded } from "./session.js";

const DB = self.LobbypadDB;
const Outbox = self.LobbypadOutbox;
const READ_TIMEOUT_MS = 3000;
const BRANCH_DAY = new Intl.DateTimeFormat("en-CA", {
  timeZone: document.querySelector('meta[name="lobbypad-timezone"]')?.content || "Asia/Shanghai",
  year: "numeric", month: "2-digit", day: "2-digit",
});

/** A snapshot expires at the end of the branch's business day (midnight in the branch's time zone). */
export function sameBusinessDay(a, b) {
  return BRANCH_DAY.format(a) === BRANCH_DAY.format(b);
}

/** A snapshot is a copy of what the server has: a phone too full to keep it still shows the fresh answer. */
async function keep(snapshot, userId) {
  try {
    await DB.putForUser("snapshots", snapshot, userId);
  } catch (error) {
    console.warn("snapshot not kept", error && error.name);
  }
}

/** {data, fromSnapshot, at}; throws only when there is neither network nor snapshot. */
export async function read(url) {
  const owner = await DB.get("meta", "userId");
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), READ_TIMEOUT_MS);
  try {
    const known = await DB.get("snapshots", url);
    const headers = known && known.etag ? { "If-None-Match": known.etag } : {};
    const response = await fetch(url, { credentials: "same-origin", signal: controller.signal, headers });
    const at = Date.now();
    if (response.status === 304 && known) {
      if (owner) await keep({ ...known, at }, owner.value);
      return { data: known.data, fromSnapshot: false, at, unchanged: true };
    }
    if (response.status === 401) await markSessionEnded();  // the screen says so, not "offline"
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
    const data = await response.json();
    // A read that finishes after sign-out wiped the device must not leave the user's data behind.
    if (owner) await keep({ key: url, data, at, etag: response.headers.get("ETag") }, owner.value);
    return { data, fromSnapshot: false, at };
  } catch (error) {
    const snapshot = await DB.get("snapshots", url);
    if (!snapshot || error.status === 404 || error.status === 403) throw error;
    if (!sameBusinessDay(snapshot.at, Date.now())) throw error;  // yesterday's floor is not today's
    return { data: snapshot.data, fromSnapshot: true, at: snapshot.at };
  } finally {
    clearTimeout(timer);
  }
}

/** A question whose words must not reach a URL or the phone's storage (a search by full number): POSTed,
    answered from the network only, never kept. Throws when offline or on an error answer. */
export async function ask(url, body) {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), READ_TIMEOUT_MS);
  try {
    const csrf = await DB.get("meta", "csrf");
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store", signal: controller.signal,
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf ? csrf.value : "" },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
    return await response.json();
  } finally {
    clearTimeout(timer);
  }
}

/** Today's snapshots whose URL matches: what the phone can still show offline (e.g. customers opened today). */
export async function snapshotsToday(pattern) {
  const now = Date.now();
  return (await DB.all("snapshots")).filter((s) => pattern.test(s.key) && sameBusinessDay(s.at, now));
}

/** Snapshots of an earlier business day are of no use and hold customers' (masked) data: gone at start. So
    are searches an older version kept under their URL (the query may be a full number). */
export async function pruneSnapshots() {
  const now = Date.now();
  for (const snapshot of await DB.all("snapshots")) {
    if (!sameBusinessDay(snapshot.at, now) || snapshot.key.startsWith("/api/v1/customers?")) {
      await DB.delete("snapshots", snapshot.key);
    }
  }
}

/**
 * Queue a write and try to send it now; resolves with {record, sent, rejected, answer} (sent false: it waits
 * on the phone). `kind`: one of kinds.js; `id`: the record's id (the body's own id when it has one, else a new
 * one); `local`: what the screens show of it until the server has it.
 */
export async function write(args) {
  return send(await store(args));
}

/** The first half of write(): the record kept on the phone (a form may take its next input once this
    resolves, whatever the network does). */
export function store({ kind, url, body = {}, method = "POST", id = body.id || newId(), local }) {
  return Outbox.enqueue({ kind, method, url, body, id, local });
}

/** The second half of write(): try to send the stored record now; {record, sent, rejected, answer}. */
export async function send(record) {
  let answer = null;
  const stop = Outbox.onChange((event) => {
    if (event.type === "sent" && event.id === record.id) answer = event.answer;
  });
  try {
    await Outbox.flush();
  } finally {
    stop();
  }
  const stillQueued = (await Outbox.pending()).some((r) => r.id === record.id);
  const rejected = (await Outbox.rejected()).find((r) => r.id === record.id);
  return { record, sent: !stillQueued && !rejected, rejected, answer };
}

/** Queue a write that waits `holdMs` before it may be sent, so that the user can take it back: resolves
    with the stored record at once (the outbox sends it when the time is up). */
export function hold({ kind, url, body = {}, method = "POST", id = body.id || newId(), local, holdMs }) {
  return Outbox.enqueue({ kind, method, url, body, id, local, holdMs });
}

export const newId = () => Outbox.uuid();
