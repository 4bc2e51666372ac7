/* Report a fault: which machine (the branch's equipment, kept on the phone for offline), what is wrong, and
   whether customers can still use it. Through the outbox: saved on the phone at once, sent when it can be.
   The same machine and words reported again add to the fault already open (the server decides). */
import { newId, read, send, store } from "../api.js";
import { Kind } from "../kinds.js";
import { closeSheet, el, fieldErrors } from "../dom.js";
import { t } from "../i18n.js";
import { told } from "../screen.js";
import { notify } from "../toast.js";

const ASSETS_URL = "/api/v1/assets";
export const FAULTS_URL = "/api/v1/faults";
const dialog = () => document.querySelector("[data-fault-dialog]");

/** The branch's equipment; [] when it was never read on this phone today and the network is down. */
export async function assets() {
  try {
    return (await read(ASSETS_URL)).data.assets;
  } catch {
    return [];
  }
}

export async function openFault({ assetId = "", symptom = "" } = {}) {
  const sheet = dialog();
  const form = sheet.querySelector("form");
  form.reset();
  fieldErrors(form, {});
  const select = form.querySelector("[data-fault-assets]");
  const none = select.options[0];
  select.replaceChildren(none, ...(await assets()).map((asset) => {
    const option = el("option", "", asset.name);
    option.value = asset.id;
    return option;
  }));
  select.value = assetId;
  form.symptom.value = symptom;
  sheet.showModal();
  (assetId ? form.symptom : select).focus();
}

async function report(form, submitter) {
  const symptom = form.symptom.value.trim();
  if (!symptom) {
    fieldErrors(form, { symptom: t("fault.say_what") });
    form.symptom.focus();
    return;
  }
  const body = { id: newId(), symptom, severity: form.severity.value, since: new Date().toISOString() };
  const option = form.asset.selectedOptions[0];
  if (form.asset.value) body.asset = form.asset.value;
  if (form.note.value.trim()) body.note = form.note.value.trim();
  const asset = body.asset ? { id: body.asset, name: option.textContent } : null;
  const record = await store({ kind: Kind.FAULT_REPORT, url: FAULTS_URL, body, id: body.id, local: { asset } });
  closeSheet(dialog(), submitter);
  const result = await send(record);
  const what = asset ? `${asset.name} · ${symptom}` : symptom;
  notify(result.rejected ? told(result) : `${what} · ${told(result, t("fault.reported"))}`);
}

/** Faults this phone reported that the server has not confirmed yet, shaped like the server's. */
export function pendingFaults(pending, known) {
  const ids = new Set(known.map((f) => f.id));
  const same = new Set(known.map((f) => `${f.asset ? f.asset.id : "-"}:${f.symptom.toLowerCase()}`));
  return pending
    .filter((r) => r.kind === Kind.FAULT_REPORT && !ids.has(r.id))
    .filter((r) => !same.has(`${r.body.asset || "-"}:${r.body.symptom.toLowerCase()}`))
    .map((r) => ({ id: r.id, asset: r.local && r.local.asset, symptom: r.body.symptom, severity: r.body.severity,
      status: "open", since: r.body.since, unsynced: true }));
}

export function initFaultSheet() {
  const sheet = dialog();
  if (!sheet) return;
  sheet.querySelector("form").addEventListener("submit", (event) => {
    event.preventDefault();
    report(event.target, event.submitter);
  });
  document.querySelectorAll("[data-open-fault]").forEach((button) => button.addEventListener("click", () => openFault()));
}
