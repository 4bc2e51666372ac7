/* The supervisor's dashboard: today's care timing (due → done) and who waited past the tolerance uncared. */
import { read } from "../api.js";
import { el } from "../dom.js";
import { age, t } from "../i18n.js";
import { pollWhileVisible, showAge, snapshotTime, tabShown } from "../screen.js";

const TODAY_URL = "/api/v1/care-tasks/today";
const POLL_MS = 30 * 1000;

function seconds(value) {
  return value === null || value === undefined ? "–" : age(value * 1000);
}

async function refresh() {
  const box = document.querySelector("[data-dashboard]");
  const status = box.querySelector("[data-dashboard-status]");
  try {
    const result = await read(TODAY_URL);
    const { data } = result;
    showAge(status, snapshotTime(result));
    box.querySelector("[data-figure=median]").textContent = seconds(data.median_seconds);
    box.querySelector("[data-figure=worst]").textContent = seconds(data.worst_seconds);
    box.querySelector("[data-figure=done]").textContent = String(data.done);
    box.querySelector("[data-figure=open]").textContent = String(data.open);
    const list = box.querySelector("[data-uncared-list]");
    list.replaceChildren(...data.waited_without_care.map((visit) => el("li", "uncared",
      [visit.ticket, visit.customer, t("waited", { n: visit.waited_minutes }), t(`status.${visit.status}`)]
        .filter(Boolean).join(" · "))));
    box.querySelector("[data-uncared-empty]").hidden = data.waited_without_care.length > 0;
  } catch (error) {
    status.hidden = false;
    status.textContent = t("load_failed");
  }
}

export function initDashboard() {
  if (!document.querySelector("[data-dashboard]")) return;
  pollWhileVisible(refresh, POLL_MS, tabShown("dashboard"));
  window.addEventListener("online", refresh);
  refresh();
}
