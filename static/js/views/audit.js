/* The supervisor's audit trail on the More screen: who did what to which record, when and why, newest first,
   a page at a time. Read from the network only: it is not kept on the phone. */
import { el, listItem } from "../dom.js";
import { t } from "../i18n.js";
import { dateTimeOf } from "../dates.js";
import { tabShown } from "../screen.js";

const URL = "/api/v1/audit";
let next = null;

const when = dateTimeOf;

function eventItem(event) {
  const label = t(`audit.${event.action}`);
  const what = label === `audit.${event.action}` ? event.action : label;  // an action without a name yet
  const who = event.actor ? event.actor.display_name : "—";
  const li = listItem(what, `${when(event.at)} · ${who} · ${event.record.type}`, false);
  if (event.reason) li.append(el("p", "hint", event.reason));
  return li;
}

async function load(more = false) {
  const list = document.querySelector("[data-audit-list]");
  const button = document.querySelector("[data-audit-more]");
  const query = more && next ? `?before=${encodeURIComponent(next.before)}&after_id=${encodeURIComponent(next.after_id)}` : "";
  let page;
  try {
    const response = await fetch(URL + query, { credentials: "same-origin", cache: "no-store" });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    page = await response.json();
  } catch (error) {
    if (!more) list.replaceChildren(listItem(t("audit_needs_network"), "", false));
    return;
  }
  next = page.next;
  const items = page.events.map(eventItem);
  if (more) list.append(...items);
  else list.replaceChildren(...(items.length ? items : [listItem(t("audit_empty"), "", false)]));
  button.hidden = !next;
}

export function initAudit() {
  if (!document.querySelector("[data-audit]")) return;
  const shown = tabShown("more");
  document.querySelector("[data-audit-more]").addEventListener("click", () => load(true));
  window.addEventListener("hashchange", () => { if (shown()) load(); });
  if (shown()) load();
}
