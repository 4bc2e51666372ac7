/* The start of a shift in one place: a lobby manager or account manager who is off duty, or whose phone has
   notifications off, is offered both at the top of the app (care and referrals go only to staff on duty,
   and reach a phone only with notifications on). "Later" hides it until the next business day. */
import { sameBusinessDay } from "./api.js";
import { turnOnNotifications } from "./push.js";

const DISMISSED = "lobbypad.shiftCardDismissed";

export function initShiftCard() {
  const card = document.querySelector("[data-shift-card]");
  const toggle = document.querySelector("[data-duty-toggle]");
  if (!card || !toggle) return;
  const dutyButton = card.querySelector("[data-shift-duty]");
  const pushButton = card.querySelector("[data-shift-push]");

  // Decided at once, from what the page knows without waiting (the server renders the card for a user off
  // duty): a card appearing a moment later would move the screen under the user's finger.
  const update = () => {
    dutyButton.hidden = toggle.checked;
    pushButton.hidden = !("Notification" in window) || Notification.permission !== "default";
    const dismissedToday = sameBusinessDay(Number(localStorage.getItem(DISMISSED) || 0), Date.now());
    card.hidden = (dutyButton.hidden && pushButton.hidden) || dismissedToday;
  };
  dutyButton.addEventListener("click", () => {
    toggle.checked = true;
    toggle.dispatchEvent(new Event("change"));  // More → On duty saves it (through the outbox)
    update();
  });
  pushButton.addEventListener("click", async () => {
    pushButton.disabled = true;
    await turnOnNotifications();  // the browser asks; whatever the answer, the button has done its part
    pushButton.disabled = false;
    update();
  });
  card.querySelector("[data-shift-later]").addEventListener("click", () => {
    localStorage.setItem(DISMISSED, String(Date.now()));
    card.hidden = true;
  });
  toggle.addEventListener("change", update);
  update();
}
