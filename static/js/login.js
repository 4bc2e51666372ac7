/* Sign-in page: says when the network is down, and counts down a rate-limit wait on the button. */
(function () {
  "use strict";
  const hint = document.querySelector("[data-offline-hint]");
  const showNetwork = () => { if (hint) hint.hidden = navigator.onLine; };
  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);
  showNetwork();

  // A new sign-in: the app is not locked, and it gets the verifier that unlocks it offline (idle-lock.js).
  localStorage.removeItem("lobbypad.locked");
  const form = document.querySelector("[data-login-form]");
  let verified = false;
  form.addEventListener("submit", (event) => {
    if (verified || !self.LobbypadVerifier) return;
    event.preventDefault();
    const done = () => { verified = true; form.submit(); };
    self.LobbypadVerifier.make(form.username.value.trim().toLowerCase(), form.password.value)
      .then((verifier) => { if (verifier) sessionStorage.setItem("lobbypad.verifier", JSON.stringify(verifier)); })
      .catch(() => {})
      .finally(done);
  });

  const button = document.querySelector("[data-locked-for]");
  if (!button) return;
  const label = button.textContent;
  let left = Number(button.dataset.lockedFor);
  const tick = () => {
    if (left <= 0) { button.disabled = false; button.textContent = label; return; }
    button.disabled = true;
    button.textContent = `${label} (${left}s)`;
    left -= 1;
    setTimeout(tick, 1000);
  };
  tick();
})();
