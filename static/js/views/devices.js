/* "Signed-in devices" on the More screen: where this account is signed in, and "sign out there" for a phone
   left in a drawer or lost. Needs the network (the server ends the session). */
import { read } from "../api.js";
import { el, listItem } from "../dom.js";
import { timeOf } from "../dates.js";
import { t } from "../i18n.js";
import { tabShown } from "../screen.js";

const DB = self.LobbypadDB;
const URL = "/api/v1/me/sessions";

async function signOutThere(session, feedback) {
  const csrf = await DB.get("meta", "csrf");
  try {
    const response = await fetch(`${URL}/${session.id}`, {
      method: "DELETE", credentials: "same-origin",
      headers: { "X-CSRF-Token": csrf ? csrf.value : "" },
    });
    feedback.textContent = response.ok ? t("device_signed_out", { device: session.device }) : t("load_failed");
  } catch (error) {
    feedback.textContent = t("devices_need_network");
  }
  drawDevices();
}

function deviceItem(session, feedback) {
  const detail = session.current ? t("this_device") : t("device_last_seen", { time: timeOf(session.last_seen_at) });
  const li = listItem(session.device, detail, false);
  if (!session.current) {
    const button = el("button", "button small", t("sign_out_there"));
    button.type = "button";
    button.setAttribute("aria-label", `${t("sign_out_there")}: ${session.device}`);
    button.addEventListener("click", () => signOutThere(session, feedback));
    li.append(button);
  }
  return li;
}

export async function drawDevices() {
  const list = document.querySelector("[data-devices]");
  if (!list) return;
  const feedback = document.querySelector("[data-devices-feedback]");
  try {
    const { data } = await read(URL);
    list.replaceChildren(...data.sessions.map((session) => deviceItem(session, feedback)));
  } catch (error) {
    list.replaceChildren(listItem(t("devices_need_network"), "", false));
  }
}

export function initDevices() {
  if (!document.querySelector("[data-devices]")) return;
  const shown = tabShown("more");
  window.addEventListener("hashchange", () => { if (shown()) drawDevices(); });
  drawDevices();
}
