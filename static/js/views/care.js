/* The care sheet: what was done for a customer (a care task, or care given before any task fell due), or
   why it was not done. Both go through the outbox, so care recorded offline is never lost. */
import { newId, write } from "../api.js";
import { Kind } from "../kinds.js";
import { closeSheet, el, fieldErrors } from "../dom.js";
import { t } from "../i18n.js";
import { told } from "../screen.js";
import { guideChecklist } from "../guides.js";
import { notify } from "../toast.js";
import { productsOfMonth } from "./campaign.js";

export const catalog = JSON.parse(document.getElementById("care-catalog")?.textContent || "{}");
let current = null;  // { task: {id, kind} | null, visitId, ticket, business }

function dialog() {
  return document.querySelector("[data-care-dialog]");
}

/** Open the sheet for a task, or (task null) for care given to a waiting customer before it fell due. */
export function openCare({ task = null, visitId, ticket, line = "", business = null }) {
  const sheet = dialog();
  const form = sheet.querySelector("form");
  form.reset();
  fieldErrors(form, {});
  current = { task, visitId, ticket, business };
  // "Forms checked" ticks the business's guide: care then records which lines the customer had.
  const guide = sheet.querySelector("[data-care-guide]");
  const list = business ? guideChecklist(business) : null;
  guide.querySelector("[data-guide-lines]").replaceChildren(...(list ? [list] : []));
  guide.hidden = true;
  const kind = task ? task.kind : "wait_care";
  sheet.querySelector("[data-care-kind]").textContent = task ? t(`care_kind.${kind}`) : t("care");
  sheet.querySelector("[data-care-ticket]").textContent = ticket;
  sheet.querySelector("[data-care-line]").textContent = line;
  // Moving the customer needs a task to record it against; before one falls due, use the arrival sheet.
  const codes = catalog.choices[kind].filter((code) => task || code !== "moved_channel");
  sheet.querySelector("[data-care-choices]").replaceChildren(...codes.map((code) => {
    const label = el("label", "choice");
    const box = document.createElement("input");
    Object.assign(box, { type: "checkbox", name: "actions", value: code });
    label.append(box, ` ${t(`care_action.${code}`)}`);
    return label;
  }));
  sheet.querySelector("[data-care-move]").hidden = true;
  sheet.querySelector("[data-care-product]").hidden = true;
  productsOfMonth().then((products) => {
    sheet.querySelector("[name=product]").replaceChildren(...products.map((p) => Object.assign(el("option", "", p.name),
      { value: p.name })));
  });
  const skip = sheet.querySelector("[data-care-skip]");
  skip.hidden = !task;
  skip.open = false;
  sheet.showModal();
  sheet.querySelector("[name=actions]")?.focus();
}

async function save(kind, url, body, local, summary, id = newId()) {
  const result = await write({ kind, url, body, id, local });
  notify(result.rejected ? told(result) : `${local.ticket} · ${summary} · ${told(result)}`);
}

function done(form) {
  const actions = Array.from(form.querySelectorAll("[name=actions]:checked"), (box) => box.value);
  if (!actions.length) {
    fieldErrors(form, { actions: t("care.choose") });
    return;
  }
  const { task, visitId, ticket } = current;
  const note = form.note.value.trim();
  const occurred_at = new Date().toISOString();
  const checked = actions.includes("forms_checked")
    ? Array.from(form.querySelectorAll("[data-care-guide] [name=checked]:checked"), (box) => box.value) : [];
  closeSheet(dialog());
  const names = actions.map((code) => t(`care_action.${code}`));
  if (!task) {
    const id = newId();  // a visit step carries its own id: the same id makes a resend harmless
    const had = checked.map((id) => form.querySelector(`[data-care-guide] [value="${id}"]`).parentElement.textContent.trim());
    const body = { id, type: "care", occurred_at, note: [...names, ...had, note].filter(Boolean).join(" · ") };
    save(Kind.VISIT_EVENT, `/api/v1/visits/${visitId}/events`, body, { visitId, ticket }, t("care"), id);
    return;
  }
  const body = { actions, occurred_at };
  if (checked.length) body.checked = checked;
  if (actions.includes("moved_channel")) body.channel = form.channel.value;
  if (actions.includes("product_introduced") && form.product.value) body.product = form.product.value;
  if (note) body.note = note;
  save(Kind.CARE_DONE, `/api/v1/care-tasks/${task.id}/done`, body, { taskId: task.id, visitId, ticket, kind: task.kind },
    t("care"));
}

function skip(form) {
  const reason = form.querySelector("[name=reason]:checked");
  if (!reason) {
    fieldErrors(form, { reason: t("care.choose_reason") });
    return;
  }
  const { task, visitId, ticket } = current;
  const body = { reason: reason.value, occurred_at: new Date().toISOString() };
  const note = form.note.value.trim();
  if (note) body.note = note;
  closeSheet(dialog());
  save(Kind.CARE_SKIP, `/api/v1/care-tasks/${task.id}/skip`, body, { taskId: task.id, visitId, ticket, kind: task.kind },
    t("care.skipped"));
}

export function initCare() {
  const sheet = dialog();
  if (!sheet) return;
  const form = sheet.querySelector("form");
  form.addEventListener("change", (event) => {
    if (event.target.value === "moved_channel") sheet.querySelector("[data-care-move]").hidden = !event.target.checked;
    if (event.target.value === "product_introduced") {
      sheet.querySelector("[data-care-product]").hidden = !event.target.checked || !form.product.options.length;
    }
    if (event.target.value === "forms_checked") {
      const guide = sheet.querySelector("[data-care-guide]");
      guide.hidden = !event.target.checked || !guide.querySelector("[name=checked]");
    }
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    done(form);
  });
  sheet.querySelector("[data-care-skip-submit]").addEventListener("click", () => skip(form));
}
