/* The offline half of the idle lock: a slow, salted hash (PBKDF2-SHA-256) of the password, made at sign-in
   and at each unlock online, so that a locked phone on the floor without network can still be unlocked by
   its user. Kept in IndexedDB's meta store, which sign-out wipes; never the password itself. */
(function () {
  "use strict";
  const ITERATIONS = 310000;  // OWASP's figure for PBKDF2-HMAC-SHA-256
  const enc = new TextEncoder();
  const hex = (buffer) => Array.from(new Uint8Array(buffer), (b) => b.toString(16).padStart(2, "0")).join("");

  async function derive(password, saltHex, iterations) {
    const salt = Uint8Array.from(saltHex.match(/../g), (h) => parseInt(h, 16));
    const key = await crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, ["deriveBits"]);
    return hex(await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256));
  }

  async function make(username, password) {
    if (!self.crypto || !crypto.subtle) return null;  // not a secure context: the lock then needs the network
    const salt = hex(crypto.getRandomValues(new Uint8Array(16)));
    return { username, salt, iterations: ITERATIONS, hash: await derive(password, salt, ITERATIONS) };
  }

  async function matches(verifier, password) {
    if (!verifier || !self.crypto || !crypto.subtle) return false;
    return (await derive(password, verifier.salt, verifier.iterations)) === verifier.hash;
  }

  self.LobbypadVerifier = { make, matches };
})();
