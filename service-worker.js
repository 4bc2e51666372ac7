/* Lobbypad service worker: versioned precache of the shell, network-first pages with an offline
   fallback, user-approved updates, the outbox flush on Background Sync, and Web Push notifications. Flask fills in VERSION
   (a hash of the shell's files) and PRECACHE when it serves this file. */
const VERSION = "__VERSION__";
const PRECACHE = [/*__PRECACHE__*/];
const STATIC_CACHE = `lobbypad-static-${VERSION}`;
const PAGES_CACHE = "lobbypad-pages";
const EXPECTED_CACHES = [STATIC_CACHE, PAGES_CACHE];
const NAVIGATION_TIMEOUT_MS = 3000;

importScripts("/static/js/idb.js", "/static/js/outbox.js");

self.addEventListener("install", (event) => {
  // cache: "reload" skips the HTTP cache so a new version never precaches stale files; no cookies, so what
  // is cached is the same for whoever uses the phone, and no answer can touch the session cookie.
  event.waitUntil(caches.open(STATIC_CACHE).then((cache) =>
    cache.addAll(PRECACHE.map((url) => new Request(url, { cache: "reload", credentials: "omit" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    const names = await caches.keys();
    await Promise.all(names.filter((n) => n.startsWith("lobbypad-") && !EXPECTED_CACHES.includes(n))
      .map((n) => caches.delete(n)));
    // A fresh version's pages are cached anew: old shell HTML may point at files that are gone.
    if (!names.includes(STATIC_CACHE)) await caches.delete(PAGES_CACHE);
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  const type = event.data && event.data.type;
  if (type === "SKIP_WAITING") self.skipWaiting();
  // A page whose navigation began before this worker activated is not claimed by activate's claim().
  if (type === "CLAIM") event.waitUntil(self.clients.claim());
  // The page that signed in was loaded before this worker controlled it: keep it for offline reloads.
  if (type === "CACHE_SHELL") event.waitUntil(cacheShell());
  // The live channel's notification, shown like a push (same tag: whichever comes second replaces the first).
  if (type === "SHOW_NOTIFICATION") event.waitUntil(showPayload(event.data.payload));
});

self.addEventListener("sync", (event) => {
  if (event.tag === self.LobbypadOutbox.SYNC_TAG) event.waitUntil(self.LobbypadOutbox.flush());
});

/* Web Push. Every push shows a notification (iOS revokes subscriptions whose pushes show nothing). The
   payload is the server's {kind, title, body, url, tag, ref, renotify, actions}, already in the user's language. */
self.addEventListener("push", (event) => {
  let payload;
  try {
    payload = event.data ? event.data.json() : null;
  } catch (error) {
    payload = null;
  }
  event.waitUntil(showPayload(payload || { title: "Lobbypad", body: "", url: "/", tag: "lobbypad" }));
});

/** When the server's own care notification was last shown on this phone, by tag: the reminders the phone
    raises offline (static/js/care-reminders.js) skip a step the server has already told of. */
const NOTIFIED = "notified:";

async function showPayload(payload) {
  const shown = self.registration.showNotification(payload.title, {
    body: payload.body,
    tag: payload.tag,  // an update replaces the earlier notification of the same record instead of stacking
    renotify: Boolean(payload.renotify && payload.tag),
    icon: "/static/icons/icon-192.png",
    badge: "/static/icons/badge-96.png",
    // offline: a reminder the phone raised itself from its snapshot while the server was out of reach.
    data: { url: payload.url || "/", ref: payload.ref || null, kind: payload.kind || null, offline: Boolean(payload.offline) },
    actions: (payload.actions || []).slice(0, 2),
  });
  // Marked once it is asked for: what the user sees never waits on the phone's storage.
  if (payload.tag && payload.tag.startsWith("care-") && !payload.offline) {
    await self.LobbypadDB.putIfSignedIn("meta", { key: NOTIFIED + payload.tag, value: Date.now() }).catch(() => {});
  }
  return shown;
}

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  event.waitUntil(openFromNotification(event.notification.data || {}, event.action));
});

async function openFromNotification(data, action) {
  const ref = data.ref;
  if (action === "accept" && ref && ref.type === "referral") {
    // Through the outbox: a bad network on the floor must not lose the accept.
    await self.LobbypadOutbox.enqueue({
      kind: "referral.accept", method: "POST", url: `/api/v1/referrals/${ref.id}/accept`, body: {},
      id: `accept-${ref.id}`,
    });
    await self.LobbypadOutbox.flush().catch(() => {});  // offline: it stays queued and goes later
  }
  const target = new URL(data.url || "/", self.location.origin).href;
  const windows = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
  const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
  if (open) {
    await open.focus().catch(() => {});  // allowed only during the click itself; navigating still works
    return open.navigate ? open.navigate(target).catch(() => open.postMessage({ type: "OPEN", url: target }))
      : open.postMessage({ type: "OPEN", url: target });
  }
  return self.clients.openWindow(target);
}

/* The browser renewed the subscription: subscribe again and tell the server (through the outbox). */
self.addEventListener("pushsubscriptionchange", (event) => {
  event.waitUntil((async () => {
    const options = event.oldSubscription ? event.oldSubscription.options : null;
    const subscription = event.newSubscription
      || (options ? await self.registration.pushManager.subscribe(options) : null);
    if (!subscription) return;
    await self.LobbypadOutbox.enqueue({
      kind: "push.subscribe", method: "POST", url: "/api/v1/push/subscriptions", body: subscription.toJSON(),
    });
    await self.LobbypadOutbox.flush();
  })());
});

// Tests and the page's "open" fallback reach the same code the click runs.
self.LobbypadNotifications = { showPayload, openFromNotification };

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/api/")) return;  // the app keeps API snapshots in IndexedDB itself
  if (request.mode === "navigate") {
    event.respondWith(networkFirstPage(event));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(cacheFirst(request));
  }
});

async function networkFirstPage(event) {
  const request = event.request;
  const cache = await caches.open(PAGES_CACHE);
  try {
    const response = await withTimeout(fetch(request), NAVIGATION_TIMEOUT_MS);
    // Only plain successful pages are kept: never errors, never redirects (signed-out users).
    if (response.ok && !response.redirected && response.type === "basic") {
      event.waitUntil(cache.put(pathOnly(request.url), response.clone()));
    }
    return response;
  } catch (error) {
    const cached = (await cache.match(pathOnly(request.url))) || (await caches.match("/offline"));
    return cached || new Response("offline", { status: 503, headers: { "Content-Type": "text/plain" } });
  }
}

async function cacheShell() {
  const response = await fetch("/", { credentials: "same-origin" }).catch(() => null);
  if (response && response.ok && !response.redirected) {
    await (await caches.open(PAGES_CACHE)).put(pathOnly(new URL("/", self.location).href), response);
  }
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(STATIC_CACHE);
    await cache.put(request, response.clone());
  }
  return response;
}

function pathOnly(href) {
  const url = new URL(href);
  return url.origin + url.pathname;  // "/?x" and "/" are the same shell
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), ms);
    promise.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
}
