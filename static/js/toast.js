/* Confirmation of what was saved, visible whichever screen the user is on (and read by screen readers). */
const SHOW_MS = 4000;
let timer = null;

export function notify(text) {
  const toast = document.getElementById("toast");
  if (!toast) return;
  toast.querySelector("[data-toast-text]").textContent = text;
  toast.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(() => { toast.hidden = true; }, SHOW_MS);
}
