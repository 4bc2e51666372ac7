/* Confirmation of what was saved, visible whichever screen the user is on (and read by screen readers).
   A toast may carry one action ("Undo"): it stays while the action can still be taken, and a plain message
   arriving meanwhile (a late "saved") waits for it instead of taking its place. */
const SHOW_MS = 4000;
let timer = null;
let holding = false;  // an action toast is up
let waiting = null;  // the plain message to show after it

export function notify(text, { action = null, onAction = null, ms = SHOW_MS } = {}) {
  const toast = document.getElementById("toast");
  if (!toast) return;
  if (holding && !action) {
    waiting = text;
    return;
  }
  toast.querySelector("[data-toast-text]").textContent = text;
  const button = toast.querySelector("[data-toast-action]");
  button.hidden = !action;
  button.textContent = action || "";
  button.onclick = action ? () => { hide(toast); onAction(); } : null;
  holding = Boolean(action);
  toast.hidden = false;
  clearTimeout(timer);
  timer = setTimeout(() => hide(toast), ms);
}

function hide(toast) {
  clearTimeout(timer);
  toast.hidden = true;
  toast.querySelector("[data-toast-action]").onclick = null;
  holding = false;
  if (waiting !== null) {
    const text = waiting;
    waiting = null;
    notify(text);
  }
}
