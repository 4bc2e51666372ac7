/* The "More" screen: the work log (the first write that goes through the outbox), duty, language; the Sync
   panel and sign-out are in sync.js. */
import { read, write, newId } from "../api.js";
import { Kind } from "../kinds.js";
import { t } from "../i18n.js";
import { showAge, snapshotTime, told } from "../screen.js";
import { coalesce } from "../timing.js";
import { listItem, timeOf } from "../dom.js";
import { initAudit } from "./audit.js";
import { initDevices } from "./devices.js";
import { initLogout, initSync } from "./sync.js";

const Outbox = self.LobbypadOutbox;
const WORKLOG_URL = "/api/v1/worklog/entries";

let rendering = null;
let renderAgain = false;

/** Coalesces bursts of outbox events into at most one render in flight and one after it. */
function renderWorklog() {
  if (rendering) {
    renderAgain = true;
    return rendering;
  }
  rendering = drawWorklog().finally(() => {
    rendering = null;
    if (renderAgain) {
      renderAgain = false;
      renderWorklog();
    }
  });
  return rendering;
}

async function drawWorklog() {
  const list = document.querySelector("[data-worklog-list]");
  const ageLine = document.querySelector("[data-worklog-age]");
  if (!list) return;
  let entries = [];
  try {
    const result = await read(WORKLOG_URL);
    entries = result.data.entries;
    showAge(ageLine, snapshotTime(result));
  } catch (error) {
    ageLine.hidden = false;
    ageLine.textContent = t("load_failed");
  }
  const known = new Set(entries.map((e) => e.id));
  const pending = (await Outbox.pending()).filter((r) => r.kind === Kind.WORKLOG_ENTRY && !known.has(r.id));
  list.replaceChildren(
    ...entries.map((e) => listItem(e.body, `${timeOf(e.occurred_at)} · ${e.author.display_name}`, false)),
    ...pending.map((r) => listItem(r.body.body, `${timeOf(r.body.occurred_at)} · ${t("not_synced_yet")}`, true)),
  );
  if (!list.children.length) list.append(listItem(t("worklog_empty"), "", false));
}

function initWorklog() {
  const form = document.querySelector("[data-worklog-form]");
  if (!form) return;
  const feedback = form.querySelector("#worklog-feedback");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = form.body.value.trim();
    if (!text) {
      feedback.textContent = t("worklog_required");
      form.body.setAttribute("aria-invalid", "true");
      form.body.focus();
      return;
    }
    form.body.removeAttribute("aria-invalid");
    const id = newId();
    // Cleared as soon as the note is taken, not when the network answers: what the user types meanwhile is
    // the next note, and a second tap finds nothing to send twice.
    form.reset();
    let result;
    try {
      result = await write({ kind: Kind.WORKLOG_ENTRY, url: WORKLOG_URL, body: { id, body: text, occurred_at: new Date().toISOString() } });
    } catch (error) {
      form.body.value = text;  // the phone could not keep it: it stays in the form
      feedback.textContent = t("not_kept");
      return;
    }
    feedback.textContent = result.rejected ? result.rejected.error.message : result.sent ? t("saved") : t("saved_offline");
    renderWorklog();
  });
  const renderSoon = coalesce(renderWorklog);
  Outbox.onChange((event) => { if (event.kind === Kind.WORKLOG_ENTRY || event.type === "flushed") renderSoon(); });
  renderWorklog();
}

function initLanguage() {
  document.querySelectorAll("[data-set-locale]").forEach((button) => {
    button.addEventListener("click", async () => {
      const locale = button.dataset.setLocale;
      const result = await write({ kind: Kind.ME_LOCALE, method: "PATCH", url: "/api/v1/me", body: { preferred_locale: locale } });
      if (result.sent) {
        location.reload();
      } else {
        document.querySelectorAll("[data-set-locale]").forEach((b) => b.setAttribute("aria-pressed", String(b === button)));
        document.querySelector("[data-sync-detail]").textContent = t("language_queued");
      }
    });
  });
}

function initDuty() {
  const toggle = document.querySelector("[data-duty-toggle]");
  if (!toggle) return;
  const feedback = document.querySelector("[data-duty-feedback]");
  toggle.addEventListener("change", async () => {
    const onDuty = toggle.checked;
    const result = await write({ kind: Kind.ME_DUTY, method: "PUT", url: "/api/v1/me/duty", body: { on_duty: onDuty } });
    if (result.rejected) {
      toggle.checked = !onDuty;
      feedback.textContent = t("action_failed", { message: result.rejected.error.message });
    } else {
      feedback.textContent = told(result, t(onDuty ? "duty_on" : "duty_off"));
    }
  });
}

export function initMore() {
  initDuty();
  initWorklog();
  initLanguage();
  initSync();
  initDevices();
  initAudit();
  initLogout();
}
