/* Registers the service worker on every page and offers a user-approved update:
   a waiting worker shows the toast; its button sends SKIP_WAITING; controllerchange reloads once. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator)) return;

  function offerUpdate(worker) {
    const toast = document.getElementById("update-toast");
    if (!toast || !worker) return;
    toast.hidden = false;
    toast.querySelector("[data-update-reload]").onclick = () => worker.postMessage({ type: "SKIP_WAITING" });
  }

  let reloading = false;
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!controlled) {  // the first worker taking control is not an update: nothing to reload
      controlled = true;
      return;
    }
    if (reloading) return;
    reloading = true;
    window.location.reload();
  });

  navigator.serviceWorker.register("/service-worker.js", { scope: "/" }).then((reg) => {
    if (reg.waiting && navigator.serviceWorker.controller) offerUpdate(reg.waiting);
    reg.addEventListener("updatefound", () => {
      const incoming = reg.installing;
      incoming.addEventListener("statechange", () => {
        if (incoming.state === "installed" && navigator.serviceWorker.controller) offerUpdate(incoming);
      });
    });
    // Long shifts: look for a new version every 30 minutes and when the app comes back to the front.
    setInterval(() => reg.update().catch(() => {}), 30 * 60 * 1000);
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") reg.update().catch(() => {});
    });
  }).catch((error) => console.warn("service worker registration failed", error));
})();
