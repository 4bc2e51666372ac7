/* The Complaints tab: my complaints (the supervisor: the branch's open ones) with their clocks in plain
   words, one complaint with its timeline and steps (#complaints/<id>), the day's counts, the export, and the
   incidents and lost-property panels (incidents.js). Offline, the lists come from the phone's snapshot and
   a complaint captured here shows until it is sent. */
import { read } from "../api.js";
import { el, meta } from "../dom.js";
import { dateTimeOf } from "../dates.js";
import { t } from "../i18n.js";
import { Kind } from "../kinds.js";
import { pollWhileVisible, showAge, snapshotTime, tabShown } from "../screen.js";
import { coalesce } from "../timing.js";
import { COMPLAINTS_URL, initComplaintSheet, openComplaint } from "./complaint-sheet.js";
import { clockLine, soonest } from "./complaint-clocks.js";
import { initComplaintSteps, showComplaint } from "./complaint-detail.js";
import { initIncidents, showIncidents, showLostItems } from "./incidents.js";

const Outbox = self.LobbypadOutbox;
const POLL_MS = 15 * 1000;
const PANELS = ["complaints", "incidents", "lost"];
let root = null;
let shownId = null;

const isSupervisor = () => meta("role") === "supervisor";
export const listUrl = () => (isSupervisor() ? `${COMPLAINTS_URL}?status=open` : `${COMPLAINTS_URL}?status=open&mine=1`);

function listItem(complaint) {
  const li = el("li", `result complaint status-${complaint.status}`);
  const link = el("a", "result-link");
  link.href = `#complaints/${complaint.id}`;
  const top = el("span", "result-top");
  top.append(el("strong", "", complaint.summary), el("span", "badge", t(`c_via.${complaint.received_via}`)));
  link.append(top);
  const clock = soonest(complaint);
  if (clock) link.append(el("span", `complaint-clock state-${clock.state}`, clockLine(clock)));
  const details = [t(`c_cause.${complaint.cause}`), t(`c_level.${complaint.level}`)];
  if (isSupervisor() && complaint.owner) details.push(complaint.owner.display_name);
  details.push(dateTimeOf(complaint.received_at));
  link.append(el("span", "result-details", details.join(" · ")));
  li.append(link);
  return li;
}

function pendingItem(record) {
  const li = el("li", "result complaint pending");
  li.append(el("strong", "", record.local.summary),
    el("span", "result-details", `${t(`c_via.${record.local.received_via}`)} · ${t("saved_offline")}`));
  return li;
}

async function showList() {
  const list = root.querySelector("[data-complaint-list]");
  const status = root.querySelector("[data-complaints-status]");
  const pending = (await Outbox.pending()).filter((r) => r.kind === Kind.COMPLAINT_CREATE);
  let complaints = [];
  let more = false;
  try {
    const result = await read(listUrl());
    complaints = result.data.complaints;
    more = Boolean(result.data.more);
    showAge(root.querySelector("[data-complaints-age]"), snapshotTime(result));
  } catch {
    status.textContent = pending.length ? "" : t("load_failed");
  }
  const known = new Set(complaints.map((c) => c.id));
  const waiting = pending.filter((r) => !known.has(r.id));
  status.textContent = complaints.length || waiting.length ? "" : t("complaint.none");
  if (more) status.textContent = t("complaint.more", { n: complaints.length });
  list.replaceChildren(...waiting.map(pendingItem), ...complaints.map(listItem));
  showBadge(complaints.length + waiting.length);
  showDay();
}

function showBadge(count) {
  const badge = document.querySelector("[data-complaints-badge]");
  if (!badge) return;
  badge.hidden = count === 0;
  badge.textContent = count > 99 ? "99+" : String(count);
}

const DAY_AXES = [["received_via", "c_via"], ["arose_at", "c_arose"], ["business", "c_business"],
  ["cause", "c_cause"], ["status", "c_status"]];

/** The day's complaints counted by channel, by each axis of JR/T 0169 and by status. */
async function showDay() {
  const box = root.querySelector("[data-complaints-day]");
  try {
    const { data } = await read(`${COMPLAINTS_URL}/day`);
    if (!data.total) {
      box.replaceChildren(el("p", "hint", t("complaint.day_none")));
      return;
    }
    const rows = DAY_AXES.map(([axis, prefix]) => {
      const line = el("p", "detail-line");
      const counts = Object.entries(data[axis]).map(([code, n]) => `${t(`${prefix}.${code}`)} ${n}`).join(" · ");
      line.append(el("span", "detail-label", t(`complaint.axis_${axis}`)), el("span", "", counts));
      return line;
    });
    box.replaceChildren(el("p", "", t("complaint.day_total", { n: data.total })), ...rows);
  } catch {
    box.replaceChildren();
  }
}

function route() {
  if (!root) return;
  const [tab, sub, id] = location.hash.slice(1).split("/");
  if (tab !== "complaints") return;
  const panel = PANELS.includes(sub) ? sub : sub === "incident" ? "incidents" : "complaints";
  const detail = panel === "complaints" && sub ? sub : null;
  root.querySelectorAll("[data-records-tab]").forEach((link) => {
    if (link.dataset.recordsTab === panel) link.setAttribute("aria-selected", "true");
    else link.setAttribute("aria-selected", "false");
  });
  root.querySelectorAll("[data-records-panel]").forEach((section) => {
    section.hidden = section.dataset.recordsPanel !== panel || Boolean(detail);
  });
  root.querySelector("[data-complaint-detail]").hidden = !detail;
  shownId = detail;
  if (detail) showComplaint(root, detail);
  else if (panel === "complaints") showList();
  else if (panel === "incidents") showIncidents(root, sub === "incident" ? id : null);
  else showLostItems(root);
}

function refresh() {
  if (!root || document.visibilityState !== "visible") return;
  route();
}

function initExport() {
  const form = root.querySelector("[data-complaints-export]");
  if (!form) return;
  const today = new Intl.DateTimeFormat("en-CA", { timeZone: meta("timezone") || "Asia/Shanghai" }).format(new Date());
  form.from.value = today.slice(0, 8) + "01";
  form.to.value = today;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const slot = form.querySelector("[data-error-for=to]");
    slot.textContent = form.to.value < form.from.value ? t("complaint.dates_order") : "";
    if (slot.textContent) return;
    const params = new URLSearchParams({ from: form.from.value, to: form.to.value });
    location.assign(`${COMPLAINTS_URL}/export.csv?${params}`);  // a download: the page stays
  });
}

export function initComplaints() {
  initComplaintSheet();
  initComplaintSteps();
  document.querySelectorAll("[data-open-complaint]").forEach((button) => {
    button.addEventListener("click", () => openComplaint());
  });
  root = document.querySelector("[data-complaints]");
  initIncidents(root);
  window.addEventListener("hashchange", route);
  if (!root) return;
  root.querySelector("[data-new-complaint]").addEventListener("click", () => openComplaint());
  initExport();
  const changed = coalesce(() => {
    if (!root.closest("[data-screen]").hidden) refresh();
    else read(listUrl()).then((result) => showBadge(result.data.complaints.length)).catch(() => {});
  });
  document.addEventListener("lobbypad:complaints-changed", changed);
  document.addEventListener("lobbypad:notification", (event) => {
    const kind = event.detail.kind || "";
    if (kind.startsWith("complaint.") || kind.startsWith("incident.")) changed();
  });
  Outbox.onChange((event) => {
    if (event.type === "sent" && /^(complaint|incident|lost)\./.test(event.kind || "")) changed();
  });
  pollWhileVisible(refresh, POLL_MS, tabShown("complaints"));
  route();
  // The badge can wait for the floor and the tasks: counted once the app has started and the phone is idle.
  const idle = self.requestIdleCallback || ((fn) => setTimeout(fn, 2000));
  idle(() => read(listUrl()).then((result) => showBadge(result.data.complaints.length)).catch(() => {}));
}

export const shownComplaint = () => shownId;
