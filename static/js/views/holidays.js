/* The supervisor's list of the branch's holidays (More): business-day deadlines skip them like weekends. */
import { read, write } from "../api.js";
import { el, fieldErrors } from "../dom.js";
import { dateOf } from "../dates.js";
import { t } from "../i18n.js";
import { Kind } from "../kinds.js";
import { told } from "../screen.js";
import { notify } from "../toast.js";

const SETTINGS_URL = "/api/v1/settings";
let holidays = [];

function render(box) {
  const list = box.querySelector("[data-holiday-list]");
  if (!holidays.length) {
    list.replaceChildren(el("li", "list-item", t("holidays.none")));
    return;
  }
  list.replaceChildren(...holidays.map((day) => {
    const li = el("li", "list-item holiday");
    const remove = el("button", "button small", t("holidays.remove"));
    remove.type = "button";
    remove.dataset.removeHoliday = day;
    remove.setAttribute("aria-label", t("holidays.remove_day", { day: dateOf(`${day}T12:00:00`) }));
    li.append(el("span", "", `${dateOf(`${day}T12:00:00`)} (${day})`), remove);
    return li;
  }));
}

async function save(box, next) {
  const result = await write({ kind: Kind.SETTINGS_HOLIDAYS, method: "PATCH", url: SETTINGS_URL, body: { holidays: next } });
  if (result.rejected) {
    notify(told(result));
    return;
  }
  holidays = result.answer ? result.answer.settings.holidays : next;
  render(box);
  notify(told(result));
}

export async function initHolidays() {
  const box = document.querySelector("[data-holidays]");
  if (!box) return;
  try {
    holidays = (await read(SETTINGS_URL)).data.settings.holidays || [];
  } catch {
    holidays = [];
  }
  render(box);
  const form = box.querySelector("[data-holiday-form]");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const day = form.date.value;
    if (!day) {
      fieldErrors(form, { date: t("complaint.required") });
      return;
    }
    fieldErrors(form, {});
    form.reset();
    save(box, [...new Set([...holidays, day])].sort());
  });
  box.addEventListener("click", (event) => {
    const button = event.target.closest("[data-remove-holiday]");
    if (button) save(box, holidays.filter((day) => day !== button.dataset.removeHoliday));
  });
}
