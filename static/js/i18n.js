/* The JS message catalog, translated on the server (server/shell/messages.py) and embedded as JSON. */
const element = document.getElementById("js-messages");
const messages = element ? JSON.parse(element.textContent) : {};

/** t("pending_sync", {n: 3}) → "3 waiting to sync"; placeholders are %(name)s. */
export function t(key, params = {}) {
  const text = messages[key] || key;
  return text.replace(/%\((\w+)\)[sd]/g, (_, name) => (name in params ? String(params[name]) : ""));
}

/** "5 min", "2 h", "40 s" in the page's language. */
export function age(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return t("seconds", { n: seconds });
  if (seconds < 3600) return t("minutes", { n: Math.round(seconds / 60) });
  return t("hours", { n: Math.round(seconds / 3600) });
}
