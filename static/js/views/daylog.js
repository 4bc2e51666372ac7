/* The day's work log (#daylog): the figures compiled by the server (each opens the records it counts), the
   notes and needs, what arrived after submission, the versions; submit or amend, and the supervisor's review.
   Submitting goes through the outbox: offline, it is sent when the phone is back. */
import { read, write, newId } from "../api.js";
import { el, fieldErrors } from "../dom.js";
import { dateTimeOf, timeOf } from "../dates.js";
import { t } from "../i18n.js";
import { Kind } from "../kinds.js";
import { showAge, snapshotTime, told } from "../screen.js";
import { notify } from "../toast.js";

const BREAKDOWNS = {
  "care.tasks": ["care", "by_kind", "care_kind"],
  "cards.handed_out": ["cards", "by_type", "card"],
  "complaints.received": ["complaints", "by_channel", "c_via"],
  "incidents.reported": ["incidents", "by_kind", "incident_kind"],
};

// The label catalogs of a record's kind and status, by its table.
const KIND_LABELS = { care_tasks: "care_kind", incidents: "incident_kind" };
const STATUS_LABELS = { visits: "status", referrals: "status", complaints: "c_status", faults: "fault_status" };

let root = null;
let shown = null;  // the log on screen
let fromSnapshot = false;  // offline: the records behind a figure cannot be fetched, nor the log submitted

const branchToday = () => new Intl.DateTimeFormat("en-CA", {
  timeZone: document.querySelector('meta[name="lobbypad-timezone"]').content,
}).format(new Date());
const dayUrl = (day) => `/api/v1/reports/day?date=${day}`;

function valueAt(figures, path) {
  return path.split(".").reduce((value, part) => (value && typeof value === "object" ? value[part] : undefined), figures);
}

function formatted(path, value) {
  if (value === null || value === undefined) return "—";
  if (path.endsWith("service_level")) return `${(value * 100).toFixed(1)}%`;
  return String(value);
}

function breakdown(figures, path) {
  const spec = BREAKDOWNS[path];
  if (!spec) return "";
  const counts = figures[spec[0]][spec[1]] || {};
  const parts = Object.entries(counts).map(([code, n]) => `${t(`${spec[2]}.${code}`)} ${n}`);
  if (path === "cards.handed_out" && figures.cards.vip_serials?.length) parts.push(figures.cards.vip_serials.join(", "));
  return parts.join(" · ");
}

function drawFigures(log) {
  const list = root.querySelector("[data-daylog-figures]");
  list.replaceChildren(...log.shown.flatMap((path) => {
    const value = valueAt(log.figures, path);
    const dt = el("dt", "", t(`figure.${path}`));
    const dd = el("dd");
    const measure = log.traces[path];
    if (measure && !fromSnapshot) {
      const open = el("button", "link-button", formatted(path, value));
      open.type = "button";
      open.dataset.measure = measure;
      open.dataset.label = t(`figure.${path}`);
      open.setAttribute("aria-label", `${t(`figure.${path}`)}: ${formatted(path, value)}. ${t("rep.show_records")}`);
      dd.append(open);
    } else {
      dd.textContent = formatted(path, value);
    }
    const more = breakdown(log.figures, path);
    if (more) dd.append(el("small", "figure-detail", more));
    return [dt, dd];
  }));
}

function drawLists(log) {
  const notes = root.querySelector("[data-daylog-notes]");
  const rows = [
    ...log.notes.map((n) => listRow(n.body, `${timeOf(n.at)} · ${n.author}`)),
    ...log.needs.map((n) => listRow(`${n.name}: ${n.needs}`, t("rep.customer_need"))),
  ];
  notes.replaceChildren(...(rows.length ? rows : [listRow(t("rep.no_notes"), "")]));
  const late = root.querySelector("[data-daylog-late]");
  root.querySelector("[data-daylog-late-card]").hidden = !log.late.length;
  late.replaceChildren(...log.late.map((r) => listRow(recordLine(r), `${t(`rep.measure.${r.measure}`)} · ${timeOf(r.at)}`)));
  root.querySelector("[data-daylog-handovers-card]").hidden = !log.handovers.length;
  root.querySelector("[data-daylog-handovers]").replaceChildren(...log.handovers.map((h) => listRow(
    t(h.acknowledged_at ? "handover.done" : "handover.pending", { from: h.from.display_name, to: h.to.display_name,
      time: timeOf(h.created_at) }),
    [h.note, h.acknowledge_note].filter(Boolean).join(" — "),
  )));
  const versions = root.querySelector("[data-daylog-versions]");
  root.querySelector("[data-daylog-versions-card]").hidden = !log.versions.length;
  versions.replaceChildren(...log.versions.map((v) => {
    const lines = [
      t("rep.version", { n: v.version, name: v.submitted_by.display_name, time: dateTimeOf(v.submitted_at) }),
      v.reason ? t("rep.reason", { reason: v.reason }) : "",
      v.remarks ? t("rep.remarks", { remarks: v.remarks }) : "",
      v.review_note ? t("rep.review_note", { name: v.reviewed_by || "", note: v.review_note }) : "",
    ];
    return listRow(lines.filter(Boolean).join(" — "), t(`log_status.${v.status}`));
  }));
}

function listRow(text, detail) {
  const li = el("li", "list-item");
  li.append(el("p", "", text));
  if (detail) li.append(el("small", "", detail));
  return li;
}

/** One record behind a figure, in a line: what it is, without any personal number. */
function recordLine(record) {
  const parts = [record.ticket, record.summary, record.symptom, record.body, record.serial, record.honorific || record.family_name];
  if (record.business_type) parts.push(t(`business.${record.business_type}`));
  if (record.kind) parts.push(t(`${KIND_LABELS[record.type]}.${record.kind}`));
  if (record.card_type) parts.push(t(`card.${record.card_type}`));
  if (record.waited_minutes !== undefined && record.waited_minutes !== null) parts.push(t("minutes", { n: Math.round(record.waited_minutes) }));
  if (record.status && STATUS_LABELS[record.type]) parts.push(t(`${STATUS_LABELS[record.type]}.${record.status}`));
  return parts.filter(Boolean).join(" · ");
}

function drawActions(log) {
  const actions = new Set(log.allowed_actions);  // offline too: the outbox sends it when the phone is back
  const submitCard = root.querySelector("[data-daylog-submit-card]");
  submitCard.hidden = !actions.has("submit") && !actions.has("amend");
  const amending = actions.has("amend");
  root.querySelector("[data-daylog-reason]").hidden = !amending;
  const label = amending ? t("rep.amend") : t("rep.submit");
  root.querySelector("[data-daylog-submit-title]").textContent = label;
  root.querySelector("[data-daylog-submit]").textContent = label;
  root.querySelector("[data-daylog-review-card]").hidden = !actions.has("review") || log.status === "acknowledged";
  const badge = root.querySelector("[data-daylog-status]");
  badge.textContent = t(`log_status.${log.status}`);
  badge.dataset.state = log.status;
}

function draw(log) {
  shown = log;
  drawFigures(log);
  drawLists(log);
  drawActions(log);
}

export async function showDay(day = root.querySelector("[data-daylog-date]").value || branchToday()) {
  const loading = root.querySelector("[data-daylog-loading]");
  loading.textContent = t("loading");
  const asked = () => (root.querySelector("[data-daylog-date]").value || branchToday()) === day;
  let result;
  try {
    result = await read(dayUrl(day));
  } catch (error) {
    if (!asked()) return;  // another day was chosen meanwhile
    loading.textContent = error.status === 422 ? t("rep.future_day") : t("load_failed");
    return;
  }
  if (!asked()) return;
  fromSnapshot = result.fromSnapshot;
  showAge(root.querySelector("[data-daylog-age]"), snapshotTime(result));
  loading.textContent = "";
  draw(result.data);
}

async function submit(form) {
  const day = shown.date;
  const amending = shown.allowed_actions.includes("amend");
  const reason = form.reason.value.trim();
  if (amending && !reason) {
    fieldErrors(form, { reason: t("rep.reason_required") });
    return;
  }
  fieldErrors(form, {});
  const body = { id: newId(), remarks: form.remarks.value.trim(), ...(amending ? { reason } : {}) };
  const button = root.querySelector("[data-daylog-submit]");
  button.disabled = true;
  try {
    const result = await write({ kind: Kind.DAYLOG_SUBMIT, url: `/api/v1/reports/day/${day}/submit`, body,
      local: { day } });
    notify(told(result, amending ? t("rep.amended") : t("rep.submitted")));
    if (result.answer) {
      form.reset();
      draw(result.answer);
    }
  } finally {
    button.disabled = false;
  }
}

async function review(form, action) {
  const note = form.note.value.trim();
  if (action === "ask_correction" && !note) {
    fieldErrors(form, { note: t("rep.note_required") });
    return;
  }
  fieldErrors(form, {});
  const result = await write({ kind: Kind.DAYLOG_REVIEW, url: `/api/v1/reports/day/${shown.date}/review`,
    body: { action, ...(note ? { note } : {}) } });
  notify(told(result, action === "acknowledge" ? t("rep.acknowledged") : t("rep.correction_sent")));
  if (result.answer) {
    form.reset();
    draw(result.answer);
  }
}

async function openRecords(button) {
  const sheet = root.querySelector("[data-records-sheet]");
  const status = sheet.querySelector("[data-records-status]");
  const list = sheet.querySelector("[data-records-list]");
  sheet.querySelector("[data-records-title]").textContent = button.dataset.label;
  status.textContent = t("loading");
  list.replaceChildren();
  sheet.showModal();
  try {
    const url = `/api/v1/reports/records?measure=${encodeURIComponent(button.dataset.measure)}&date=${shown.date}`;
    const { data } = await read(url);
    status.textContent = data.total ? (data.total > data.records.length ? t("rep.first_of", { n: data.records.length, total: data.total }) : "") : t("rep.no_records");
    list.replaceChildren(...data.records.map((r) => listRow(recordLine(r), r.at ? dateTimeOf(r.at) : "")));
  } catch {
    status.textContent = t("load_failed");
  }
}

function initMonthLinks() {
  const form = document.querySelector("[data-month-report]");
  if (!form) return;
  const now = new Date();
  const last = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  form.month.value = `${last.getFullYear()}-${String(last.getMonth() + 1).padStart(2, "0")}`;
  const update = () => {
    form.querySelectorAll("[data-month-link]").forEach((link) => {
      link.href = form.month.value ? `/api/v1/reports/month/${form.month.value}.${link.dataset.monthLink}` : "#";
    });
  };
  form.month.addEventListener("input", update);
  update();
}

export function initDaylog() {
  initMonthLinks();
  root = document.querySelector("[data-screen=daylog]");
  if (!root) return;
  const date = root.querySelector("[data-daylog-date]");
  date.max = branchToday();
  date.value = branchToday();
  date.addEventListener("change", () => showDay(date.value));
  const form = root.querySelector("[data-daylog-form]");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit(form);
  });
  const reviewForm = root.querySelector("[data-daylog-review]");
  reviewForm.querySelector("[data-daylog-ack]").addEventListener("click", () => review(reviewForm, "acknowledge"));
  reviewForm.querySelector("[data-daylog-correct]").addEventListener("click", () => review(reviewForm, "ask_correction"));
  root.querySelector("[data-daylog-figures]").addEventListener("click", (event) => {
    const button = event.target.closest("[data-measure]");
    if (button) openRecords(button);
  });
  root.querySelector("[data-records-close]").addEventListener("click", () => root.querySelector("[data-records-sheet]").close());
  const open = () => { if (location.hash.slice(1).split("/")[0] === "daylog") showDay(); };
  window.addEventListener("hashchange", open);
  open();
}
