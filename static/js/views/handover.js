/* The shift handover (交接班) on More: what I would hand over now (my complaints, the open faults, the VIPs
   waiting, my referrals under way, the care tasks I took), to whom (staff on duty, supervisors), and the
   handovers waiting for my acknowledgement. Both steps go through the outbox. */
import { newId, read, write } from "../api.js";
import { el, fieldErrors } from "../dom.js";
import { timeOf } from "../dates.js";
import { t } from "../i18n.js";
import { Kind } from "../kinds.js";
import { newest, told } from "../screen.js";
import { notify } from "../toast.js";

const URL = "/api/v1/handovers";
const GROUPS = ["complaints", "faults", "waiting_vips", "referrals", "tasks"];
const ask = newest();

function itemLine(group, item) {
  const what = item.summary || item.symptom || item.ticket || (item.to ? t("handover.referral_to", { name: item.to }) : "")
    || t(`care_kind.${item.kind}`);
  return `${t(`handover.group.${group}`)}: ${what} (${timeOf(item.since)})`;
}

function itemList(items) {
  const list = el("ul", "list handover-items");
  const rows = GROUPS.flatMap((group) => (items[group] || []).map((item) => el("li", "list-item", itemLine(group, item))));
  list.append(...(rows.length ? rows : [el("li", "list-item", t("handover.nothing_open"))]));
  return list;
}

function summary(items) {
  const open = GROUPS.filter((g) => (items[g] || []).length).map((g) => `${t(`handover.group.${g}`)} ${items[g].length}`);
  return open.length ? open.join(" · ") : t("handover.nothing_open");
}

async function draw(card) {
  const current = ask();
  let data;
  try {
    ({ data } = await read(URL));
  } catch {
    if (current()) card.querySelector("[data-handover-status]").textContent = t("load_failed");
    return;
  }
  if (!current()) return;  // a newer read (after a handover) is on its way
  card.querySelector("[data-handover-status]").textContent = summary(data.open);
  card.querySelector("[data-handover-open]").replaceChildren(itemList(data.open));
  const select = card.querySelector("[name=to_user_id]");
  select.replaceChildren(el("option", "", t("handover.choose")), ...data.takers.map((person) => {
    const option = el("option", "", `${person.display_name}${person.on_duty ? ` · ${t("handover.on_duty")}` : ""}`);
    option.value = person.id;
    return option;
  }));
  select.firstChild.value = "";
  const incoming = card.querySelector("[data-handover-incoming]");
  incoming.replaceChildren(...data.to_acknowledge.map((handover) => {
    const box = el("div", "alert alert-warning handover");
    box.append(el("p", "", t("handover.from", { name: handover.from.display_name, time: timeOf(handover.created_at) })));
    if (handover.note) box.append(el("p", "", handover.note));
    box.append(itemList(handover.items));
    const ack = el("button", "button primary", t("handover.acknowledge"));
    ack.type = "button";
    ack.addEventListener("click", async () => {
      ack.disabled = true;
      const result = await write({ kind: Kind.HANDOVER_ACK, url: `${URL}/${handover.id}/acknowledge`, body: {} });
      notify(told(result, t("handover.acknowledged")));
      draw(card);
    });
    box.append(ack);
    return box;
  }));
  const today = card.querySelector("[data-handover-today]");
  today.replaceChildren(...data.today.map((h) => el("li", "list-item", t(h.acknowledged_at ? "handover.done" : "handover.pending",
    { from: h.from.display_name, to: h.to.display_name, time: timeOf(h.created_at) }))));
}

export function initHandover() {
  const card = document.querySelector("[data-handover-card]");
  if (!card) return;
  const form = card.querySelector("[data-handover-form]");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!form.to_user_id.value) {
      fieldErrors(form, { to_user_id: t("handover.choose_required") });
      return;
    }
    fieldErrors(form, {});
    const body = { id: newId(), to_user_id: form.to_user_id.value, note: form.note.value.trim() };
    const result = await write({ kind: Kind.HANDOVER, url: URL, body });
    notify(told(result, t("handover.sent")));
    if (!result.rejected) form.reset();
    draw(card);
  });
  const open = () => { if (location.hash.slice(1).split("/")[0] === "more") draw(card); };
  window.addEventListener("hashchange", open);
  document.addEventListener("lobbypad:notification", (event) => {
    if (event.detail.kind === "shift.handover") draw(card);
  });
  draw(card);
}
