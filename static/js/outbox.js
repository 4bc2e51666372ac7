/* The outbox: every write of the app is stored here first, then sent. Shared by the page and the
   service worker (classic script). The server dedupes by the record's id, so sending twice would be safe,
   but it is kept from happening: the page sends at once (one flush at a time, a Web Lock across tabs), and
   Background Sync is registered only for what could not go. A record leaves the outbox only on a 2xx,
   and a refusal (4xx) moves it to "rejected", never away. */
(function (scope) {
  "use strict";
  const DB = scope.LobbypadDB;
  const SYNC_TAG = "lobbypad-outbox";
  const LOCK = "lobbypad-outbox-flush";
  const MAX_BACKOFF_MS = 5 * 60 * 1000;
  const SEND_TIMEOUT_MS = 20 * 1000;  // a batch of 50 takes well under a second on a live server
  const BATCH_SIZE = 50;  // records per POST /api/v1/sync (the server takes up to 100)
  let batching = true;
  let lastSent = 0;  // when this context last had a record accepted
  let syncedAt = 0;
  const listeners = new Set();
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("lobbypad-outbox") : null;
  let flushing = null;
  let following = null;  // the flush that runs after the current one
  let heldTimer = null;

  function uuid() {
    if (scope.crypto && crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function emit(event) {
    listeners.forEach((fn) => { try { fn(event); } catch (e) { console.error(e); } });
    if (channel) channel.postMessage(event);
  }
  if (channel) channel.onmessage = (msg) => listeners.forEach((fn) => fn(msg.data));

  async function meta(key) {
    const row = await DB.get("meta", key);
    return row ? row.value : undefined;
  }

  /** The signed-in user's records of a store: a shared phone never shows one user another's. */
  async function mine(store, index) {
    const userId = await meta("userId");
    return (await DB.all(store, index)).filter((record) => !record.userId || record.userId === userId);
  }

  /** How many records of other accounts wait on this phone (their content stays theirs). */
  async function othersWaiting() {
    const userId = await meta("userId");
    const all = [...(await DB.all("outbox")), ...(await DB.all("rejected"))];
    return all.filter((record) => record.userId && record.userId !== userId).length;
  }

  /** Store a write, then try to send it at once. Resolves with the stored record (never loses it).
      `local` is what the screens show of the record until the server has it (never sent). */
  // Records are sent in the order they were made; two made in the same millisecond (an arrival and its
  // first step) must not swap places, so each gets a stamp strictly after the previous one.
  let lastStamp = 0;
  function stamp() {
    lastStamp = Math.max(Date.now(), lastStamp + 0.001);
    return lastStamp;
  }

  /** `holdMs`: the record waits that long before it may be sent (the user can still undo it meanwhile). */
  async function enqueue({ id, kind, method = "POST", url, body, local, holdMs = 0 }) {
    const record = {
      id: id || uuid(), kind, method, url, body, local,
      createdAt: stamp(), attempts: 0, nextAttemptAt: 0, userId: await meta("userId"),
      heldUntil: holdMs ? Date.now() + holdMs : 0,
    };
    try {
      await DB.put("outbox", record);
    } catch (error) {
      if (!error || error.name !== "QuotaExceededError") throw error;
      // The phone's storage is full: what the server can give again (snapshots) makes room for what it
      // cannot (the user's record). If even that fails, the caller hears of it: nothing is lost silently.
      for (const snapshot of await DB.all("snapshots")) await DB.delete("snapshots", snapshot.key);
      await DB.put("outbox", record);
    }
    emit({ type: "queued", id: record.id, kind });
    if (holdMs) setTimeout(() => flush(), holdMs + 50);
    return record;
  }

  /** Take back a record still held for undo: true when it was (it never reached the server). */
  async function undo(id) {
    const record = await DB.get("outbox", id);
    if (!record || !(record.heldUntil > Date.now())) return false;
    await DB.delete("outbox", id);
    emit({ type: "undone", id, kind: record.kind });
    return true;
  }

  function registerSync() {
    const ready = scope.registration ? Promise.resolve(scope.registration)
      : (scope.navigator && navigator.serviceWorker ? navigator.serviceWorker.ready : Promise.reject());
    ready.then((reg) => reg.sync && reg.sync.register(SYNC_TAG)).catch(() => { /* no Background Sync here */ });
  }

  /** Send what is due (everything when force is true). One flush at a time per context; a flush asked for
      while one runs follows it (what was queued meanwhile goes then, not at the next trigger). */
  function flush({ force = true } = {}) {
    if (!flushing) {
      flushing = exclusively(() => doFlush(force)).finally(() => { flushing = null; });
      return flushing;
    }
    if (!following) following = flushing.catch(() => {}).then(() => { following = null; return flush({ force }); });
    return following;
  }

  /** One flush at a time across the app's pages (a Web Lock where it exists). The service worker takes no
      part: a worker event that waits on anything keeps a new version from activating (seen as an app update
      that never reloaded), and the worker sends only what a page could not (Background Sync is registered
      for those alone), so page and worker rarely overlap; when they do, the server's dedupe makes it safe. */
  function exclusively(task) {
    const locks = scope.navigator && navigator.locks;
    if (!locks || typeof scope.window === "undefined") return task();
    return locks.request(LOCK, task);
  }

  async function doFlush(force) {
    const userId = await meta("userId");
    const now = Date.now();
    const due = (await DB.all("outbox", "createdAt")).filter((record) =>
      !(record.userId && userId && record.userId !== userId)  // waits for its own account
      && !(record.heldUntil > now)  // the user may still undo it
      && (force || record.nextAttemptAt <= now));
    const unsent = new Set();  // ids of this flush's records that did not reach the server
    if (due.length > 1 && batching) {
      // A file (a photo's bytes) cannot ride in a JSON batch: files go alone, first, so that the records
      // naming them find them on the server.
      let outcome = "sent";
      for (const record of due.filter(isFile)) {
        outcome = await send(record);
        if (outcome !== "sent") unsent.add(record.id);
        if (outcome === "offline" || outcome === "signed-out") break;
      }
      const rest = due.filter((record) => !isFile(record));
      for (let start = 0; start < rest.length && outcome !== "offline" && outcome !== "signed-out"; start += BATCH_SIZE) {
        outcome = await sendBatch(rest.slice(start, start + BATCH_SIZE), unsent);
      }
    } else {
      for (const record of due) {
        if (dependsOn(record, unsent)) {  // a step of an arrival that did not go: it waits for it
          unsent.add(record.id);
          continue;
        }
        const outcome = await send(record);
        if (outcome !== "sent") unsent.add(record.id);
        if (outcome === "offline" || outcome === "signed-out") break;
      }
    }
    const held = (await DB.all("outbox")).filter((record) => record.heldUntil > Date.now());
    if (held.length) {  // held for undo when this flush began (or after a reload): sent when the time is up
      clearTimeout(heldTimer);
      heldTimer = setTimeout(() => flush(), Math.min(...held.map((r) => r.heldUntil)) - Date.now() + 50);
    }
    if (lastSent > syncedAt) {
      syncedAt = lastSent;
      await DB.putIfSignedIn("meta", { key: "lastSyncAt", value: lastSent });
    }
    emit({ type: "flushed" });
  }

  /** A refused record the user wants to try again (the server's state may have moved on), or fixed (the
      fields the server named, by path: {"card.serial": "A0008"}): back in line, with the same id. */
  async function resend(id, changes) {
    const record = await DB.get("rejected", id);
    if (!record) return;
    const { status, error, rejectedAt, ...again } = record;
    const body = changes ? withChanges(record.body, changes) : record.body;
    await DB.move("rejected", "outbox", id, { ...again, body, attempts: 0, nextAttemptAt: 0 });
    emit({ type: "queued", id, kind: record.kind });
    await flush();
  }

  function withChanges(body, changes) {
    const changed = structuredClone(body);
    for (const [path, value] of Object.entries(changes)) {
      const keys = path.split(".");
      const last = keys.pop();
      keys.reduce((node, key) => node[key], changed)[last] = value;
    }
    return changed;
  }

  const isFile = (record) => typeof Blob === "function" && record.body instanceof Blob;

  /** A record about another record (its URL or body names it): a visit's step and the arrival itself, a
      referral and the customer it is for. */
  function dependsOn(record, ids) {
    if (!ids.size) return false;
    const about = record.url + (record.body === undefined ? "" : JSON.stringify(record.body));
    for (const id of ids) if (id !== record.id && about.includes(id)) return true;
    return false;
  }

  /** A request that hangs (a dead Wi-Fi, a proxy holding it) is given up after SEND_TIMEOUT_MS like one that
      failed: the record stays and is sent again (the server dedupes by its id), and the flush, with every
      record behind it, is not held up. */
  async function post(url, method, body) {
    const controller = typeof AbortController === "function" ? new AbortController() : null;
    const timer = controller && setTimeout(() => controller.abort(), SEND_TIMEOUT_MS);
    const file = typeof Blob === "function" && body instanceof Blob;  // a photo: its bytes are the body
    try {
      return await fetch(url, {
        method,
        credentials: "same-origin",
        headers: {
          "Content-Type": file ? body.type || "application/octet-stream" : "application/json",
          "X-CSRF-Token": (await meta("csrf")) || "",
        },
        body: body === undefined ? undefined : file ? body : JSON.stringify(body),
        signal: controller ? controller.signal : undefined,
      });
    } finally {
      if (timer) clearTimeout(timer);
    }
  }

  async function send(record, retried = false) {
    let response;
    try {
      response = await post(record.url, record.method, record.body);
    } catch (networkError) {
      await later(record, null);
      return "offline";
    }
    const answer = await response.json().catch(() => null);
    if (isCsrfFailure(response, answer)) {
      const token = retried ? "stale" : await refreshToken();
      if (token === "fresh") return send(record, true);
      return token === "signed-out" ? settle(record, 401, answer, null) : (await later(record, null), "retry");
    }
    return settle(record, response.status, answer, response.headers.get("Retry-After"));
  }

  /** Many records in one request (POST /api/v1/sync); each is answered as if it had been sent alone. */
  async function sendBatch(records, unsent, retried = false) {
    let response;
    try {
      response = await post("/api/v1/sync", "POST", {
        records: records.map((r) => ({ id: r.id, method: r.method, url: r.url, body: r.body === undefined ? null : r.body })),
      });
    } catch (networkError) {
      for (const record of records) await later(record, null);
      return "offline";
    }
    const answer = await response.json().catch(() => null);
    if (response.status === 404 || response.status === 405) {  // a server without batches: one by one
      batching = false;
      for (const record of records) {
        if (dependsOn(record, unsent)) {
          unsent.add(record.id);
          continue;
        }
        const outcome = await send(record);
        if (outcome !== "sent") unsent.add(record.id);
        if (outcome === "offline" || outcome === "signed-out") return outcome;
      }
      return "sent";
    }
    if (isCsrfFailure(response, answer)) {
      const token = retried ? "stale" : await refreshToken();
      if (token === "fresh") return sendBatch(records, unsent, true);
      records.forEach((record) => unsent.add(record.id));
      if (token === "signed-out") return settle(records[0], 401, answer, null);
      for (const record of records) await later(record, null);
      return "retry";
    }
    if (!response.ok || !answer || !Array.isArray(answer.results)) {
      records.forEach((record) => unsent.add(record.id));
      if (response.status === 401) return settle(records[0], 401, answer, null);
      for (const record of records) await later(record, response.headers.get("Retry-After"));
      return "retry";
    }
    let outcome = "sent";
    for (const [index, result] of answer.results.entries()) {
      const record = records[index];
      // Refused only because the record it is about did not go (yet): it waits for it, never rejected.
      const settled = result.status >= 400 && dependsOn(record, unsent) ? (await later(record, null), "retry")
        : await settle(record, result.status, result.body, null);
      if (settled === "signed-out") return settled;
      if (settled !== "sent") {
        unsent.add(record.id);
        outcome = settled;
      }
    }
    return outcome;
  }

  /** What one answer means for its record: gone (2xx), later (408, 429, 5xx), or rejected with the reason. */
  async function settle(record, status, answer, retryAfter) {
    if (status >= 200 && status < 300) {
      lastSent = Date.now();
      if (answer && answer.notice) {
        // Accepted, but the visit had moved on meanwhile: the user hears what became of it.
        await DB.put("notices", {
          id: record.id, kind: record.kind, userId: record.userId, message: answer.notice, at: Date.now(),
        });
        emit({ type: "notice", id: record.id, message: answer.notice });
      }
      await DB.delete("outbox", record.id);
      emit({ type: "sent", id: record.id, kind: record.kind, status, answer, local: record.local });
      return "sent";
    }
    if (status === 401) {
      await DB.putIfSignedIn("meta", { key: "signedOut", value: true });
      return "signed-out";
    }
    if (status === 408 || status === 429 || status >= 500) {
      await later(record, retryAfter);
      return "retry";
    }
    const error = (answer && answer.error) || { code: `http_${status}`, message: String(status) };
    if (await DB.move("outbox", "rejected", record.id, { ...record, status, error, rejectedAt: Date.now() })) {
      emit({ type: "rejected", id: record.id, kind: record.kind, error });
    }
    return "rejected";
  }

  async function later(record, retryAfter) {
    const attempts = record.attempts + 1;
    const backoff = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempts) * (0.75 + Math.random() / 2);
    const wait = retryAfter && !Number.isNaN(Number(retryAfter)) ? Number(retryAfter) * 1000 : backoff;
    await DB.replace("outbox", { ...record, attempts, nextAttemptAt: Date.now() + wait });
    registerSync();  // the browser sends it when the network is back, even with the app closed
  }

  /** A refused security token is never the record's fault: it is not a reason to reject it. */
  function isCsrfFailure(response, answer) {
    return response.status === 400 && answer && answer.error && answer.error.code === "csrf_failed";
  }

  /** A new token for the session: "fresh", "signed-out" (the session ended: wait for sign-in), or "stale". */
  async function refreshToken() {
    try {
      const response = await fetch("/api/v1/me", { credentials: "same-origin" });
      if (response.status === 401) return "signed-out";
      if (!response.ok) return "stale";
      const body = await response.json();
      await DB.put("meta", { key: "csrf", value: body.csrf_token });
      return "fresh";
    } catch (e) {
      return "stale";
    }
  }

  scope.LobbypadOutbox = {
    SYNC_TAG, enqueue, flush, uuid, resend, undo,
    lastSyncAt: () => meta("lastSyncAt"),
    pending: () => mine("outbox", "createdAt"),
    rejected: () => mine("rejected"),
    notices: () => mine("notices"),
    othersWaiting,
    dismissRejected: (id) => DB.delete("rejected", id).then(() => emit({ type: "dismissed", id })),
    dismissNotice: (id) => DB.delete("notices", id).then(() => emit({ type: "dismissed", id })),
    onChange: (fn) => { listeners.add(fn); return () => listeners.delete(fn); },
  };
})(self);
