/* Sign-in page: says when the network is down, and counts down a rate-limit wait on the button. */
(function () {
  "use strict";
  const hint = document.querySelector("[data-offline-hint]");
  const showNetwork = () => { if (hint) hint.hidden = navigator.onLine; };
  window.addEventListener("online", showNetwork);
  window.addEventListener("offline", showNetwork);
  showNetwork();

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
