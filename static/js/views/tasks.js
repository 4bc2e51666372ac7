/* Care due now: the lobby manager's Tasks tab and the supervisor's dashboard list. Read through the client
   data module (so the last list shows offline, with its age); care recorded on this phone and not yet
   synced shows as saved here at once. */
import { read, write } from "../api.js";
import { Kind } from "../kinds.js";
import { el, meta } from "../dom.js";
import { age, t } from "../i18n.js";
import { pollWhileVisible, showAge } from "../screen.js";
import { coalesce } from "../timing.js";
import { notify } from "../toast.js";
import { openCare } from "./care.js";

const Outbox = self.LobbypadOutbox;
const TASKS_URL = "/api/v1/care-tasks";
const POLL_MS = 15 * 1000;
const CARE_KINDS = /^(care\.|wait\.|escort\.)/;

let tasks = [];
let snapshotAt = null;
let loaded = false;
const taking = new Set();  // tasks this phone is taking right now (the outbox holds those taken offline)

async function refresh() {
  try {
    const result = await read(TASKS_URL);
    tasks = result.data.tasks;
    snapshotAt = result.fromSnapshot ? result.at : null;
    loaded = true;
  } catch (error) {
    document.querySelectorAll("[data-tasks-status]").forEach((status) => { status.textContent = t("load_failed"); });
  }
  await render();
}

function dueText(task) {
  const late = Date.now() - Date.parse(task.due_at);
  return late < 60000 ? t("care.due_now") : t("care.due_ago", { age: age(late) });
}

function item(task, closing, takenHere) {
  const li = el("li", `task task-${task.kind}`);
  li.dataset.id = task.id;
  const head = el("div", "task-head");
  head.append(el("span", "badge badge-care", t(`care_kind.${task.kind}`)),
    el("span", "ticket", task.visit.ticket));
  if (task.visit.customer) head.append(el("span", "task-who", task.visit.customer.greeting_name));
  li.append(head, el("p", "task-title", task.title), el("p", "task-body hint", task.body));
  const when = el("p", "task-when", dueText(task));
  if (task.reminders) when.append(` · ${t("care.reminded", { n: task.reminders })}`);
  li.append(when);
  if (closing) {
    li.append(el("p", "badge badge-unsynced", `${t("saved_offline")}`));
    return li;
  }
  const mine = (task.assignee && task.assignee.id === meta("user")) || takenHere;
  if (task.assignee || takenHere) {
    li.append(el("p", "task-taker", mine ? t("care.yours") : t("care.taken_by", { name: task.assignee.display_name })));
  }
  const actions = el("div", "row-actions");
  const allowed = new Set(task.allowed_actions || []);  // the server's rules, not a copy of them
  if (allowed.has("take") && !takenHere) {
    const take = el("button", "button small", t("care.take"));
    take.type = "button";
    take.dataset.taskAction = "take";
    take.setAttribute("aria-label", `${t("care.take")} ${task.visit.ticket}`);
    actions.append(take);
  }
  if (allowed.has("done") || allowed.has("skip")) {
    const button = el("button", "button primary small", t("care.record"));
    button.type = "button";
    button.dataset.taskAction = "care";
    button.setAttribute("aria-label", `${t("care.record")} ${task.visit.ticket} ${t(`care_kind.${task.kind}`)}`);
    actions.append(button);
  }
  li.append(actions);
  return li;
}

/** "I'll take it": saved on the phone first like every write; a colleague who was quicker is named. */
async function take(task) {
  taking.add(task.id);
  await render();
  const result = await write({ kind: Kind.CARE_TAKE, url: `/api/v1/care-tasks/${task.id}/take`, local: { taskId: task.id } });
  taking.delete(task.id);
  if (result.rejected) {
    notify(result.rejected.error.message);
    await Outbox.dismissRejected(result.record.id);  // nothing of the user's is lost: the task is someone else's
  } else {
    notify(result.sent ? t("care.taken", { ticket: task.visit.ticket }) : t("saved_offline"));
    if (result.answer) tasks = tasks.map((x) => (x.id === task.id ? result.answer.task : x));
  }
  await render();
}

/** The Tasks tab's count: care still to give (what this phone recorded and has not synced is given). */
function showCount(closing) {
  const badge = document.querySelector("[data-tasks-badge]");
  if (!badge) return;
  const open = tasks.filter((task) => !closing.has(task.id)).length;
  badge.hidden = open === 0;
  badge.textContent = open > 99 ? "99+" : String(open);
}

async function render() {
  const pending = await Outbox.pending();
  const closing = new Set(pending.filter((r) => r.kind === Kind.CARE_DONE || r.kind === Kind.CARE_SKIP)
    .map((r) => r.local && r.local.taskId));
  showCount(closing);
  const takenHere = new Set([...taking, ...pending.filter((r) => r.kind === Kind.CARE_TAKE).map((r) => r.local.taskId)]);
  for (const box of document.querySelectorAll("[data-tasks]")) {
    const list = box.querySelector("[data-task-list]");
    list.replaceChildren(...tasks.map((task) => item(task, closing.has(task.id), takenHere.has(task.id))));
    box.querySelector("[data-tasks-status]").textContent = loaded ? "" : t("loading");
    box.querySelector("[data-tasks-empty]").hidden = !loaded || tasks.length > 0;
    showAge(box.querySelector("[data-tasks-age]"), snapshotAt);
  }
}

export function refreshTasks() {
  return refresh();
}

export function initTasks() {
  if (!document.querySelector("[data-tasks]")) return;
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-task-action]");
    if (!button) return;
    const task = tasks.find((candidate) => candidate.id === button.closest("[data-id]").dataset.id);
    if (!task) return;
    if (button.dataset.taskAction === "take") take(task);
    else openCare({ task, visitId: task.visit.id, ticket: task.visit.ticket, line: task.title, business: task.visit.business_type });
  });
  const refreshSoon = coalesce(refresh);
  Outbox.onChange((event) => {
    if (!event.kind || !event.kind.startsWith("care.")) return;
    if (event.type === "sent" || event.type === "rejected") refreshSoon();
    else render();
  });
  document.addEventListener("lobbypad:notification", (event) => {
    if (CARE_KINDS.test(event.detail.kind || "")) refresh();
  });
  pollWhileVisible(refresh, POLL_MS);
  window.addEventListener("online", refresh);
  window.addEventListener("hashchange", () => { if (/^#(tasks|dashboard)/.test(location.hash)) refresh(); });
  refresh();
}
