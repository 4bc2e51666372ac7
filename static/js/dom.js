/* Small DOM helpers shared by the screens (text only: nothing here parses HTML). */

/** el("li", "result", "text") → a new element with a class and text content. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = text;
  return node;
}

/** A <meta name="lobbypad-…"> value the shell page carries (role, time zone, permissions). */
export function meta(name) {
  const tag = document.querySelector(`meta[name="lobbypad-${name}"]`);
  return tag ? tag.content : "";
}

/** The page's language for dates and numbers. */
export function lang() {
  return document.documentElement.lang || "zh-CN";
}

/** Show (or clear, with "") one field's error under it and mark the input for screen readers. */
export function fieldError(form, field, message) {
  const slot = form.querySelector(`[data-error-for="${field}"]`);
  if (slot) slot.textContent = message || "";
  // An input named differently from the API's field (e.g. "card.serial") says so in data-field.
  const input = form.querySelector(`[name="${field}"], [data-field="${field}"]`);
  if (input) {
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
  }
}

/** Every field error of a form from the server's `fields` ("keys.p256dh" counts for "keys"); focus the first. */
export function fieldErrors(form, fields) {
  form.querySelectorAll("[data-error-for]").forEach((slot) => {
    const key = slot.dataset.errorFor;
    const nested = Object.entries(fields).find(([name]) => name.startsWith(`${key}.`));
    fieldError(form, key, fields[key] || (nested ? nested[1] : ""));
  });
  form.querySelector("[aria-invalid=true]")?.focus();
}

/** A list row: the text, a line under it, and whether it is still only on this phone. */
export function listItem(text, detail, pending) {
  const li = document.createElement("li");
  li.className = pending ? "list-item pending" : "list-item";
  const body = document.createElement("p");
  body.textContent = text;
  const small = document.createElement("small");
  small.textContent = detail;
  li.append(body, small);
  return li;
}

const CLICK_THROUGH_MS = 400;

/** Close a sheet that was just submitted. The second tap of a double tap must not land on what lies under
    the sheet (a tab, another row's button): the browser's second click of that double tap (detail 2, on the
    spot of the button that submitted it) is swallowed in the next moment; a new tap is not. */
export function closeSheet(dialog, tapped = document.activeElement) {
  const button = tapped && dialog.contains(tapped) ? tapped : null;
  if (!button || button === dialog) {
    dialog.close();
    return;
  }
  const spot = button.getBoundingClientRect();
  const swallow = (event) => {
    const onSpot = event.clientX >= spot.left && event.clientX <= spot.right
      && event.clientY >= spot.top && event.clientY <= spot.bottom;
    if (!onSpot || event.detail < 2) return;  // a new tap, not the second of the same double tap
    event.preventDefault();
    event.stopPropagation();
  };
  document.addEventListener("click", swallow, true);
  setTimeout(() => document.removeEventListener("click", swallow, true), CLICK_THROUGH_MS);
  dialog.close();
}
