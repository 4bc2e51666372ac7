/* The app's IndexedDB, shared by the page and the service worker (a classic script for importScripts).
   Stores: outbox (writes waiting to be sent), rejected (writes the server refused, shown to the user),
   snapshots (last answer of each read, with its time), meta (csrf token, signed-in user). */
(function (scope) {
  "use strict";
  const NAME = "lobbypad";
  const VERSION = 1;

  // Schema migrations as a cascade (idb's upgrade(db, oldVersion)): add a case per version, never edit one.
  function upgrade(db, oldVersion) {
    switch (oldVersion) {
      case 0: {
        const outbox = db.createObjectStore("outbox", { keyPath: "id" });
        outbox.createIndex("createdAt", "createdAt");
        db.createObjectStore("rejected", { keyPath: "id" });
        db.createObjectStore("snapshots", { keyPath: "key" });
        db.createObjectStore("meta", { keyPath: "key" });
      }
    }
  }

  let opening = null;

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const req = indexedDB.open(NAME, VERSION);
        req.onupgradeneeded = (event) => upgrade(req.result, event.oldVersion);
        req.onsuccess = () => {
          const db = req.result;
          db.onversionchange = () => { db.close(); opening = null; };
          resolve(db);
        };
        req.onerror = () => { opening = null; reject(req.error); };
        req.onblocked = () => { opening = null; reject(new Error("IndexedDB upgrade blocked by another tab")); };
      });
    }
    return opening;
  }

  function done(req) {
    return new Promise((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }

  async function run(storeName, mode, fn) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      let result;
      Promise.resolve(fn(tx.objectStore(storeName), tx)).then((r) => { result = r; }, reject);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
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
        tx.oncomplete = () => resolve(moved);
        tx.onerror = () => reject(tx.error);
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
        tx.oncomplete = () => resolve(replaced);
        tx.onerror = () => reject(tx.error);
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
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    },
    /** Sign-out: forget everything this user had on the device (the shell's cache stays). */
    wipe: async () => {
      const db = await open();
      const names = Array.from(db.objectStoreNames);
      return new Promise((resolve, reject) => {
        const tx = db.transaction(names, "readwrite");
        names.forEach((n) => tx.objectStore(n).clear());
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
    },
  };

  scope.LobbypadDB = LobbypadDB;
})(self);
