// The outbox's rules, without a browser: an in-memory LobbypadDB and a scripted fetch stand in for
// IndexedDB and the network. Run by tests/unit/test_outbox_js.py (node --test).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { beforeEach, test } from "node:test";
import vm from "node:vm";

const SOURCE = readFileSync(new URL("../../static/js/outbox.js", import.meta.url), "utf8");

function memoryDB() {
  const stores = { outbox: new Map(), rejected: new Map(), snapshots: new Map(), meta: new Map(), notices: new Map() };
  const keyOf = (store, value) => (store === "snapshots" || store === "meta" ? value.key : value.id);
  return {
    stores,
    get: async (store, key) => stores[store].get(key),
    put: async (store, value) => { stores[store].set(keyOf(store, value), structuredClone(value)); },
    putIfSignedIn: async (store, value) => {  // as idb.js: nothing is written once sign-out wiped the phone
      if (stores.meta.has("userId")) stores[store].set(keyOf(store, value), structuredClone(value));
    },
    delete: async (store, key) => { stores[store].delete(key); },
    all: async (store, index) => {
      const values = [...stores[store].values()];
      // As IndexedDB: by the index, ties by primary key (not by insertion).
      const key = (v) => keyOf(store, v);
      return index ? values.sort((a, b) => a[index] - b[index] || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
        : values;
    },
    move: async (from, to, key, value) => {
      if (!stores[from].has(key)) return false;
      stores[from].delete(key);
      stores[to].set(key, structuredClone(value));
      return true;
    },
    replace: async (store, value) => {
      if (!stores[store].has(value.id)) return false;
      stores[store].set(value.id, structuredClone(value));
      return true;
    },
  };
}

let db;
let requests;
let answer;  // (url, body) => {status, body} | "network"
let Outbox;

function load() {
  const scope = { crypto: globalThis.crypto, LobbypadDB: db, console };
  scope.self = scope;
  scope.fetch = async (url, init) => {
    const body = init.body instanceof Blob ? { bytes: init.body.size, type: init.headers["Content-Type"] }
      : init.body ? JSON.parse(init.body) : undefined;
    requests.push({ url, method: init.method, body });
    const reply = answer(url, body);
    if (reply === "network") throw new TypeError("Failed to fetch");
    return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status, headers: reply.headers });
  };
  vm.runInNewContext(SOURCE.replace("})(self);", "})(scope);"), { scope, crypto: globalThis.crypto, Date, Math,
    Promise, JSON, Object, Array, Set, Map, Number, String, Error, TypeError, console, fetch: scope.fetch,
    structuredClone, setTimeout, clearTimeout, AbortController, Blob });
  return scope.LobbypadOutbox;
}

beforeEach(async () => {
  db = memoryDB();
  await db.put("meta", { key: "userId", value: "u1" });
  requests = [];
  answer = () => ({ status: 201, body: {} });
  Outbox = load();
});

// Ids as the app makes them (UUIDs): a step's URL names its visit's id.
const U = (name) => `00000000-0000-4000-8000-${name.padStart(12, "0")}`;
const visit = (id) => ({ id, kind: "visit.create", url: "/api/v1/visits", body: { id, ticket: "A001" } });
const step = (id, visitId) => ({ id, kind: "visit.event", url: `/api/v1/visits/${visitId}/events`, body: { id } });
const batchOf = (body, statuses) => ({
  status: 200, body: { results: body.records.map((r, i) => ({ id: r.id, status: statuses[i], body: {} })) },
});

test("records made in the same millisecond keep the order they were made in", async () => {
  const realNow = Date.now;
  Date.now = () => 1_700_000_000_000;
  try {
    for (let n = 0; n < 5; n += 1) {
      await Outbox.enqueue(visit(U(`v${n}`)));
      await Outbox.enqueue(step(U(`s${n}`), U(`v${n}`)));
    }
  } finally {
    Date.now = realNow;
  }
  const order = (await Outbox.pending()).map((r) => r.id);
  assert.deepEqual(order, [U("v0"), U("s0"), U("v1"), U("s1"), U("v2"), U("s2"), U("v3"), U("s3"), U("v4"), U("s4")]);
});

test("what waits goes in one batch; each answer settles its own record", async () => {
  await Outbox.enqueue(visit(U("v1")));
  await Outbox.enqueue(visit(U("v2")));
  await Outbox.enqueue(visit(U("v3")));
  answer = (url, body) => (url === "/api/v1/sync" ? batchOf(body, [201, 422, 200]) : { status: 500 });
  await Outbox.flush();
  assert.deepEqual(requests.map((r) => r.url), ["/api/v1/sync"]);
  assert.deepEqual(requests[0].body.records.map((r) => r.id), [U("v1"), U("v2"), U("v3")]);
  assert.deepEqual(await Outbox.pending(), []);
  const rejected = await Outbox.rejected();
  assert.deepEqual(rejected.map((r) => [r.id, r.status]), [[U("v2"), 422]]);
});

test("a step whose arrival did not go waits for it instead of being rejected", async () => {
  await Outbox.enqueue(visit(U("v1")));
  await Outbox.enqueue(step(U("s1"), U("v1")));
  answer = (url, body) => batchOf(body, [503, 404]);
  await Outbox.flush();
  assert.deepEqual((await Outbox.pending()).map((r) => r.id), [U("v1"), U("s1")]);
  assert.deepEqual(await Outbox.rejected(), []);
});

test("a server without batches gets one record per request, and a step waits for its failed arrival", async () => {
  await Outbox.enqueue(visit(U("v1")));
  await Outbox.enqueue(step(U("s1"), U("v1")));
  await Outbox.enqueue(visit(U("v2")));
  answer = (url) => (url === "/api/v1/sync" ? { status: 404 } : url === "/api/v1/visits" && requests.length === 2
    ? { status: 500 } : { status: 201 });
  await Outbox.flush();
  assert.deepEqual(requests.map((r) => r.url), ["/api/v1/sync", "/api/v1/visits", "/api/v1/visits"]);
  assert.deepEqual((await Outbox.pending()).map((r) => r.id), [U("v1"), U("s1")]);  // s1 never sent before v1
  await Outbox.flush();  // batches are not tried again on this server
  assert.ok(!requests.slice(3).some((r) => r.url === "/api/v1/sync"));
});

test("offline, nothing is lost and the attempt is put off", async () => {
  await Outbox.enqueue(visit(U("v1")));
  await Outbox.enqueue(visit(U("v2")));
  answer = () => "network";
  await Outbox.flush();
  const pending = await Outbox.pending();
  assert.equal(pending.length, 2);
  assert.ok(pending.every((r) => r.attempts === 1 && r.nextAttemptAt > Date.now()));
});

test("signed out: the records wait for the user to sign in again", async () => {
  await Outbox.enqueue(visit(U("v1")));
  answer = () => ({ status: 401, body: { error: { code: "unauthenticated" } } });
  await Outbox.flush();
  assert.equal((await Outbox.pending()).length, 1);
  assert.equal((await db.get("meta", "signedOut")).value, true);
});

test("another account's records wait for that account, unseen by the one signed in now", async () => {
  await Outbox.enqueue({ ...visit(U("v1")), body: { id: U("v1"), ticket: "A001", note: "u1's customer" } });
  await db.put("meta", { key: "userId", value: "u2" });
  await Outbox.flush();
  assert.deepEqual(requests, []);
  assert.deepEqual(await Outbox.pending(), []);  // u2 sees neither the record nor what it says
  assert.equal(await Outbox.othersWaiting(), 1);
  assert.equal(db.stores.outbox.size, 1);
  await db.put("meta", { key: "userId", value: "u1" });  // u1 signs in again: it goes
  await Outbox.flush();
  assert.deepEqual(requests.map((r) => [r.url, r.body.id]), [["/api/v1/visits", U("v1")]]);
  assert.equal(db.stores.outbox.size, 0);
});

test("a photo goes alone, as its bytes, before the batch that names it", async () => {
  await Outbox.enqueue({ id: U("c1"), kind: "check.run", url: "/api/v1/checks/runs", body: { id: U("c1") } });
  await Outbox.enqueue({ id: U("f1"), kind: "photo.upload", method: "PUT", url: `/api/v1/photos/${U("f1")}`,
    body: new Blob([new Uint8Array(2048)], { type: "image/jpeg" }) });
  await Outbox.enqueue({ id: U("t1"), kind: "check.tick", method: "PUT", url: `/api/v1/checks/runs/${U("c1")}/items/x`,
    body: { id: U("t1"), result: "fault", photo_id: U("f1") } });
  answer = (url, body) => (url === "/api/v1/sync"
    ? { status: 200, body: { results: body.records.map(() => ({ status: 200, body: {} })) } } : { status: 201 });
  await Outbox.flush();
  assert.deepEqual(requests.map((r) => [r.method, r.url]), [
    ["PUT", `/api/v1/photos/${U("f1")}`], ["POST", "/api/v1/sync"]]);
  assert.deepEqual(requests[0].body, { bytes: 2048, type: "image/jpeg" });
  assert.deepEqual(requests[1].body.records.map((r) => r.id), [U("c1"), U("t1")]);
  assert.deepEqual(await Outbox.pending(), []);
});

test("a refused record fixed by the user goes again with the same id and the corrected field", async () => {
  await Outbox.enqueue({ id: U("c1"), kind: "customer.create", url: "/api/v1/customers",
    body: { id: U("c1"), name: "李", phone: "1380000", consent: true } });
  answer = () => ({ status: 422, body: { error: { code: "validation_failed", message: "bad",
    fields: { phone: "11 digits" } } } });
  await Outbox.flush();
  answer = () => ({ status: 201 });
  await Outbox.resend(U("c1"), { phone: "13800000000" });
  const last = requests.at(-1);
  assert.equal(last.url, "/api/v1/customers");
  assert.deepEqual(last.body, { id: U("c1"), name: "李", phone: "13800000000", consent: true });
  assert.deepEqual(await Outbox.rejected(), []);
});

test("accepted after the visit moved on: the server's notice is kept for the user", async () => {
  await Outbox.enqueue(step(U("e1"), U("v1")));
  answer = () => ({ status: 201, body: { notice: "meanwhile served" } });
  await Outbox.flush();
  assert.deepEqual(await Outbox.pending(), []);
  const notices = await Outbox.notices();
  assert.equal(notices.length, 1);
  assert.equal(notices[0].message, "meanwhile served");
  assert.equal(notices[0].userId, "u1");
  await Outbox.dismissNotice(U("e1"));
  assert.deepEqual(await Outbox.notices(), []);
});

test("a full phone gives up snapshots to keep the record; if even that fails the caller hears of it", async () => {
  await db.put("snapshots", { key: "/api/v1/floor", data: {}, at: 1 });
  const put = db.put;
  const quota = () => Object.assign(new Error("full"), { name: "QuotaExceededError" });
  db.put = async (store, value) => {
    if (store === "outbox" && db.stores.snapshots.size) throw quota();
    return put(store, value);
  };
  const record = await Outbox.enqueue(visit(U("v1")));
  assert.equal(db.stores.snapshots.size, 0);
  assert.ok(db.stores.outbox.has(record.id));

  db.put = async (store, value) => { if (store === "outbox") throw quota(); return put(store, value); };
  await assert.rejects(Outbox.enqueue(visit(U("v2"))), { name: "QuotaExceededError" });
  assert.ok(db.stores.outbox.has(record.id));  // what was kept stays
});

test("a refused record sent again goes back in line and keeps its refusal if refused again", async () => {
  await Outbox.enqueue(visit(U("v1")));
  answer = () => ({ status: 422, body: { error: { code: "validation_failed", message: "bad" } } });
  await Outbox.flush();
  assert.equal((await Outbox.rejected()).length, 1);
  answer = () => ({ status: 201 });
  await Outbox.resend(U("v1"));
  assert.deepEqual(await Outbox.rejected(), []);
  assert.deepEqual(await Outbox.pending(), []);
  assert.ok((await db.get("meta", "lastSyncAt")).value > 0);
});

test("a session that ended (token refused, then signed out) keeps the records waiting, never rejected", async () => {
  await Outbox.enqueue(visit(U("v1")));
  await Outbox.enqueue(visit(U("v2")));
  answer = (url) => (url === "/api/v1/me" ? { status: 401, body: { error: { code: "unauthenticated" } } }
    : { status: 400, body: { error: { code: "csrf_failed", message: "token" } } });
  await Outbox.flush();
  assert.deepEqual(await Outbox.rejected(), []);
  assert.equal((await Outbox.pending()).length, 2);
  assert.equal((await db.get("meta", "signedOut")).value, true);

  // A token that stays refused even after a fresh one: tried later, still not the record's fault.
  answer = (url) => (url === "/api/v1/me" ? { status: 200, body: { csrf_token: "new" } }
    : { status: 400, body: { error: { code: "csrf_failed", message: "token" } } });
  await Outbox.flush();
  assert.deepEqual(await Outbox.rejected(), []);
  assert.equal((await Outbox.pending()).length, 2);
});

test("a record whose body names one that did not go (a referral for a new customer) waits for it", async () => {
  await Outbox.enqueue({ id: U("c1"), kind: "customer.create", url: "/api/v1/customers", body: { id: U("c1") } });
  await Outbox.enqueue({ id: U("r1"), kind: "referral.create", url: "/api/v1/referrals",
    body: { id: U("r1"), customer_id: U("c1") } });
  answer = (url, body) => batchOf(body, [429, 422]);  // the customer is put off; so the referral is refused
  await Outbox.flush();
  assert.deepEqual(await Outbox.rejected(), []);
  assert.deepEqual((await Outbox.pending()).map((r) => r.id), [U("c1"), U("r1")]);
});

test("a nested field fixed by its path goes again with the rest of the record untouched", async () => {
  const body = { id: U("r1"), customer_id: U("c1"), card: { card_type: "vip_experience", serial: "A0007" } };
  await Outbox.enqueue({ id: U("r1"), kind: "referral.create", url: "/api/v1/referrals", body });
  answer = () => ({ status: 409, body: { error: { code: "serial_already_handed_out", message: "taken",
    fields: { "card.serial": "Already handed out." } } } });
  await Outbox.flush();
  answer = () => ({ status: 201 });
  await Outbox.resend(U("r1"), { "card.serial": "A0008" });
  assert.deepEqual(requests.at(-1).body, { ...body, card: { card_type: "vip_experience", serial: "A0008" } });
  assert.deepEqual(await Outbox.rejected(), []);
});
