/* The app's IndexedDB, shared by the page and the service worker (a classic script for importScripts).
   Stores: outbox (writes waiting to be sent), rejected (writes the server refused, shown to the user),
   snapshots (last answer of each read, with its time), meta (csrf token, signed-in user), notices (what
   the server did with a record that arrived after the visit had moved on). Outbox, rejected and notices
   records carry the account that made them (userId): a shared phone shows each user only their own. */
(function (scope) {
  "use strict";
  const NAME = "lobbypad";
  const VERSION = 2;

  // Schema migrations as a cascade (idb's upgrade(db, oldVersion)): add a case per version, never edit one.
  // They run inside the upgrade transaction, so a record is migrated with the schema or not at all; a new
  // app version (service worker update) thus finds the older version's outbox intact and sends it.
  function upgrade(db, oldVersion, tx) {
    switch (oldVersion) {
      case 0: {
        const outbox = db.createObjectStore("outbox", { keyPath: "id" });
        outbox.createIndex("createdAt", "createdAt");
        db.createObjectStore("rejected", { keyPath: "id" });
        db.createObjectStore("snapshots", { keyPath: "key" });
        db.createObjectStore("meta", { keyPath: "key" });
      }
      // falls through
      case 1: {
        if (!db.objectStoreNames.contains("notices")) db.createObjectStore("notices", { keyPath: "id" });
        // Version 1 wrote some records without their author: they are the signed-in user's.
        tx.objectStore("meta").get("userId").onsuccess = (event) => {
          const owner = event.target.result && event.target.result.value;
          if (!owner) return;
          for (const store of ["outbox", "rejected"]) {
            tx.objectStore(store).openCursor().onsuccess = (e) => {
              const cursor = e.target.result;
              if (!cursor) return;
              if (!cursor.value.userId) cursor.update({ ...cursor.value, userId: owner });
              cursor.continue();
            };
          }
        };
      }
    }
  }

  let opening = null;

  function open() {
    if (!opening) opening = openVersion(VERSION);
    return opening;
  }

  // Migrations only ever add (stores, indexes, fields), so code of an older version that is still running
  // (the page before it reloads into a new service worker's version) can go on with a newer database: when
  // it finds one ("VersionError"), it opens it as it is rather than fail to save the user's record.
  function openVersion(version) {
    return new Promise((resolve, reject) => {
      const req = version ? indexedDB.open(NAME, version) : indexedDB.open(NAME);
      req.onupgradeneeded = (event) => upgrade(req.result, event.oldVersion, req.transaction);
      req.onsuccess = () => {
        const db = req.result;
        db.onversionchange = () => { db.close(); opening = null; };
        resolve(db);
      };
      req.onerror = () => {
        if (version && req.error && req.error.name === "VersionError") {
          openVersion(null).then(resolve, reject);
          return;
        }
        opening = null;
        reject(req.error);
      };
      // "blocked": an older version's page or worker still has it open; it closes on versionchange, and
      // this request then goes on by itself.
      req.onblocked = () => console.warn("IndexedDB upgrade waits for an older version to close it");
    });
  }

  function done(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  /** A transaction settles its promise when it commits, and also when it fails or is aborted (a full disk
      aborts it with QuotaExceededError): a caller never waits forever. */
  function ending(tx, committed, reject) {
    tx.oncomplete = committed;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new DOMException("The transaction was aborted.", "AbortError"));
  }

  async function run(storeName, mode, fn) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      let result;
      Promise.resolve(fn(tx.objectStore(storeName), tx)).then((r) => { result = r; }, reject);
      ending(tx, () => resolve(result), reject);
    });
  }

  const LobbypadDB = {
    get: (store, key) => run(store, "readonly", (s) => done(s.get(key))),
    put: (store, value) => run(store, "readwrite", (s) => done(s.put(value))),
    delete: (store, key) => run(store, "readwrite", (s) => done(s.delete(key))),
    all: (store, index) => run(store, "readonly", (s) => done(index ? s.index(index).getAll() : s.getAll())),
    count: (store) => run(store, "readonly", (s) => done(s.count())),
    /** Move one record from a store to another in a single transaction (nothing lost in between). */
    /** Move a record to another store, only if it is still in `from` (the page and the service worker may
        both have sent it: the one that answers second must not bring back what the first settled). */
    move: async (from, to, key, value) => {
      const db = await open();
      return new Promise((resolve, reject) => {
        const tx = db.transaction([from, to], "readwrite");
        let moved = false;
        tx.objectStore(from).get(key).onsuccess = (event) => {
          if (event.target.result === undefined) return;
          moved = true;
          tx.objectStore(from).delete(key);
          tx.objectStore(to).put(value);
        };
        ending(tx, () => resolve(moved), reject);
      });
    },
    /** Replace a record only if it is still there (same reason as move). */
    replace: async (store, value) => {
      const db = await open();
      return new Promise((resolve, reject) => {
        const tx = db.transaction(store, "readwrite");
        const objects = tx.objectStore(store);
        let replaced = false;
        objects.get(value[objects.keyPath]).onsuccess = (event) => {
          if (event.target.result === undefined) return;
          replaced = true;
          objects.put(value);
        };
        ending(tx, () => resolve(replaced), reject);
      });
    },
    /** Put a value only while someone is signed in on this phone, atomically with sign-out's wipe: what a
        request or a timer that began before sign-out writes afterwards (a cursor, a flag) is not left behind. */
    putIfSignedIn: async (store, value) => {
      const db = await open();
      return new Promise((resolve, reject) => {
        const tx = db.transaction(["meta", store], "readwrite");
        tx.objectStore("meta").get("userId").onsuccess = (event) => {
          if (event.target.result) tx.objectStore(store).put(value);
        };
        ending(tx, () => resolve(), reject);
      });
    },
    /** Put a value only while `userId` is still the signed-in user, atomically with sign-out's wipe. */
    putForUser: async (store, value, userId) => {
      const db = await open();
      return new Promise((resolve, reject) => {
        const tx = db.transaction(["meta", store], "readwrite");
        tx.objectStore("meta").get("userId").onsuccess = (event) => {
          const owner = event.target.result;
          if (owner && owner.value === userId) tx.objectStore(store).put(value);
        };
        ending(tx, () => resolve(), reject);
      });
    },
    /** Sign-out: forget everything this user had on the device (the shell's cache stays). Records of
        another account that signed in here before stay: they wait for that account to sign in again, and so
        do this user's with `keepRecords` (their session ended before they could be sent). */
    wipe: async (userId, { keepRecords = false } = {}) => {
      const db = await open();
      const names = Array.from(db.objectStoreNames);
      return new Promise((resolve, reject) => {
        const tx = db.transaction(names, "readwrite");
        for (const name of names) {
          if (keepRecords && ["outbox", "rejected"].includes(name)) continue;
          if (!["outbox", "rejected", "notices"].includes(name)) {
            tx.objectStore(name).clear();
            continue;
          }
          tx.objectStore(name).openCursor().onsuccess = (event) => {
            const cursor = event.target.result;
            if (!cursor) return;
            if (!cursor.value.userId || cursor.value.userId === userId) cursor.delete();
            cursor.continue();
          };
        }
        ending(tx, () => resolve(), reject);
      });
    },
  };

  scope.LobbypadDB = LobbypadDB;
})(self);
