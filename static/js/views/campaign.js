/* The products of the month (GET /api/v1/campaigns, kept in the offline snapshot): listed with their key
   points in the refer sheet, named in the care sheet when one was introduced, edited by supervisors on More. */
import { read, write } from "../api.js";
import { el } from "../dom.js";
import { t } from "../i18n.js";
import { Kind } from "../kinds.js";
import { newest, told } from "../screen.js";
import { notify } from "../toast.js";

const URL = "/api/v1/campaigns";
let latest = { month: null, products: [], can_edit: false };
const ask = newest();

/** This month's products (the network's answer, the snapshot's offline, or none). */
export async function productsOfMonth() {
  try {
    latest = (await read(URL)).data;
  } catch {
    // offline without a snapshot: the last answer this page had
  }
  return latest.products;
}

/** The products with their key points, folded: what to say about each. */
export function campaignList(products) {
  const list = el("ul", "list campaign-list");
  list.append(...products.map((p) => {
    const li = el("li", "list-item");
    li.append(el("strong", "", p.name));
    if (p.key_points) li.append(el("small", "", p.key_points));
    return li;
  }));
  return list;
}

function editorRow(product = { name: "", key_points: "" }) {
  const li = el("li", "campaign-row");
  const name = el("input");
  Object.assign(name, { name: "name", maxLength: 60, value: product.name, placeholder: t("campaign.name") });
  name.setAttribute("aria-label", t("campaign.name"));
  const points = el("input");
  Object.assign(points, { name: "key_points", maxLength: 1000, value: product.key_points, placeholder: t("campaign.key_points") });
  points.setAttribute("aria-label", t("campaign.key_points"));
  const remove = el("button", "button small", t("campaign.remove"));
  remove.type = "button";
  remove.addEventListener("click", () => li.remove());
  li.append(name, points, remove);
  return li;
}

async function drawCard(card) {
  const current = ask();
  const products = await productsOfMonth();
  if (!current()) return;  // the list read after a save is newer
  const shown = card.querySelector("[data-campaign-products]");
  shown.replaceChildren(products.length ? campaignList(products) : el("p", "hint", t("campaign.none")));
  const form = card.querySelector("[data-campaign-form]");
  if (!form) return;
  const rows = form.querySelector("[data-campaign-rows]");
  rows.replaceChildren(...(products.length ? products : [undefined]).map((p) => editorRow(p)));
}

export function initCampaign() {
  const card = document.querySelector("[data-campaign-card]");
  if (!card) return;
  drawCard(card);
  const form = card.querySelector("[data-campaign-form]");
  if (!form) return;
  form.querySelector("[data-campaign-add]").addEventListener("click", () => {
    form.querySelector("[data-campaign-rows]").append(editorRow());
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const products = Array.from(form.querySelectorAll(".campaign-row"), (row) => ({
      name: row.querySelector("[name=name]").value.trim(),
      key_points: row.querySelector("[name=key_points]").value.trim(),
    })).filter((p) => p.name);
    const month = latest.month || new Date().toISOString().slice(0, 7);
    const result = await write({ kind: Kind.CAMPAIGN_SET, method: "PUT", url: `${URL}/${month}`, body: { products } });
    notify(told(result, t("campaign.saved")));
    if (result.sent) drawCard(card);
  });
}
