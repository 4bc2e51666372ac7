/* The performance board (#board): each person's figures and the branch's against the targets, for today,
   this week or this month; the charts come drawn by the server (kept in the offline snapshot with the
   figures), each with a table of its numbers for screen readers. Supervisors set the targets here. */
import { read, write } from "../api.js";
import { el } from "../dom.js";
import { t } from "../i18n.js";
import { Kind } from "../kinds.js";
import { showAge, snapshotTime, told } from "../screen.js";
import { notify } from "../toast.js";

let root = null;
let period = "day";
let board = null;

const boardUrl = () => `/api/v1/performance?period=${period}`;
const SHARE = "complaints_on_time";  // a share: stored 0–1, typed and shown as a percentage

function shownValue(metric, value) {
  if (value === null || value === undefined) return "—";
  if (metric === "complaints_on_time") return `${Math.round(value * 100)}%`;
  return String(value);
}

function cell(tag, text, className) {
  const node = el(tag, className || "", text);
  if (tag === "th") node.scope = "col";
  return node;
}

/** One table: a row per person (and the branch), a column per metric: "3 / 4" against a target. */
function drawTable(data) {
  const table = root.querySelector("[data-perf-table]");
  const head = el("tr");
  head.append(cell("th", t("rep.person")), ...data.metrics.map((m) => cell("th", t(`metric.${m}`))));
  const rows = [...data.people.map((p) => [p.user.display_name, p]), [t("rep.branch"), data.branch]].map(([name, row]) => {
    const tr = el("tr");
    const th = el("th", "", name);
    th.scope = "row";
    tr.append(th, ...data.metrics.map((m) => {
      const target = row.targets[m];
      const text = shownValue(m, row.figures[m]) + (target !== undefined ? ` / ${shownValue(m, target)}` : "");
      const td = cell("td", text);
      const progress = row.progress[m];
      if (progress !== undefined && progress !== null) td.dataset.met = String(progress >= 1);
      return td;
    }));
    return tr;
  });
  const caption = el("caption", "visually-hidden", t("rep.table_caption"));
  const thead = el("thead");
  thead.append(head);
  const tbody = el("tbody");
  tbody.append(...rows);
  table.replaceChildren(caption, thead, tbody);
}

/** A chart: the server's SVG (an image with its label) and, folded under it, the same numbers as a table. */
function chart(title, svg, header, rows) {
  const section = el("section", "card chart");
  section.append(el("h2", "", title));
  const picture = el("div", "chart-image");
  // The server builds the SVG from numbers and escaped names (server/reports/charts.py); parsed as XML.
  const image = new DOMParser().parseFromString(svg, "image/svg+xml").documentElement;
  if (image.nodeName === "svg") picture.append(document.importNode(image, true));
  const details = el("details", "chart-table");
  details.append(el("summary", "", t("rep.as_table")));
  const table = el("table");
  const head = el("tr");
  head.append(...header.map((h) => cell("th", h)));
  const body = el("tbody");
  body.append(...rows.map((row) => {
    const tr = el("tr");
    tr.append(...row.map((value) => cell("td", String(value))));
    return tr;
  }));
  const thead = el("thead");
  thead.append(head);
  table.append(thead, body);
  details.append(table);
  section.append(picture, details);
  return section;
}

function drawCharts(data) {
  const { charts, svg } = data;
  const progress = data.people.flatMap((p) => Object.entries(p.progress).filter(([, v]) => v !== null)
    .map(([m, v]) => [p.user.display_name, t(`metric.${m}`), `${Math.round(v * 100)}%`]));
  root.querySelector("[data-perf-charts]").replaceChildren(
    chart(t("rep.chart_progress"), svg.progress, [t("rep.person"), t("rep.metric"), t("rep.progress")], progress),
    chart(t("rep.chart_funnel"), svg.funnel, [t("rep.stage"), t("rep.count")],
      charts.funnel.map((s) => [t(`stage.${s.stage}`), s.count])),
    chart(t("rep.chart_hours"), svg.hours, [t("rep.hour"), t("rep.arrivals"), t("rep.p90_wait")],
      charts.hours.map((h) => [`${h.hour}:00`, h.arrivals, h.p90_wait === null ? "—" : h.p90_wait])),
    chart(t("rep.chart_heatmap"), svg.heatmap, [t("rep.weekday"), t("rep.hour"), t("rep.arrivals")],
      charts.heatmap.map((c) => [t(`weekday.${c.weekday}`), `${c.hour}:00`, c.arrivals])),
  );
}

function drawTargets(data) {
  const form = root.querySelector("[data-targets-form]");
  if (!form) return;
  const fields = form.querySelector("[data-target-fields]");
  const role = form.role.value;
  const current = data.targets[role] || {};
  fields.replaceChildren(...data.metrics.flatMap((metric) => {
    const id = `target-${metric}`;
    const label = el("label", "", metric === SHARE ? `${t(`metric.${metric}`)} (%)` : t(`metric.${metric}`));
    label.htmlFor = id;
    const input = el("input");
    Object.assign(input, { id, name: metric, type: "number", min: "0", step: "any", inputMode: "decimal" });
    const value = current[metric];
    input.value = value === undefined ? "" : metric === SHARE ? String(Math.round(value * 100)) : String(value);
    return [label, input];
  }));
}

export async function showBoard() {
  const loading = root.querySelector("[data-perf-loading]");
  loading.textContent = t("loading");
  const url = boardUrl();
  let result;
  try {
    result = await read(url);
  } catch {
    if (url !== boardUrl()) return;  // another period was asked for meanwhile
    loading.textContent = t("load_failed");
    // Not another period's figures under this one's name.
    root.querySelector("[data-perf-table]").replaceChildren();
    root.querySelector("[data-perf-charts]").replaceChildren();
    root.querySelector("[data-perf-products]").textContent = "";
    showAge(root.querySelector("[data-perf-age]"), null);
    return;
  }
  if (url !== boardUrl()) return;
  board = result.data;
  showAge(root.querySelector("[data-perf-age]"), snapshotTime(result));
  loading.textContent = board.people.length ? "" : t("rep.nobody");
  drawTable(board);
  const products = Object.entries(board.products || {});
  root.querySelector("[data-perf-products]").textContent = products.length
    ? t("rep.products", { list: products.map(([name, n]) => `${name} ${n}`).join(" · ") }) : "";
  drawCharts(board);
  drawTargets(board);
}

async function saveTargets(form) {
  const targets = {};
  for (const metric of board.metrics) {
    const raw = form[metric].value.trim();
    targets[metric] = raw === "" ? null : metric === SHARE ? Number(raw) / 100 : Number(raw);
  }
  const result = await write({ kind: Kind.TARGETS_SET, method: "PUT", url: `/api/v1/targets/${period}/${form.role.value}`,
    body: { targets } });
  notify(told(result, t("rep.targets_saved")));
  if (result.sent) showBoard();
}

export function initBoard() {
  root = document.querySelector("[data-screen=board]");
  if (!root) return;
  root.querySelector("[data-perf-periods]").addEventListener("click", (event) => {
    const button = event.target.closest("[data-period]");
    if (!button) return;
    period = button.dataset.period;
    root.querySelectorAll("[data-period]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
    showBoard();
  });
  const form = root.querySelector("[data-targets-form]");
  if (form) {
    form.role.addEventListener("change", () => board && drawTargets(board));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      saveTargets(form);
    });
  }
  const open = () => { if (location.hash.slice(1).split("/")[0] === "board") showBoard(); };
  window.addEventListener("hashchange", open);
  open();
}
