/* What each business needs (step 6 of the seven, 辅): GET /api/v1/guides, read at start and kept on the
   phone for the day, so the arrival sheet, the board and the care sheet show it offline too. */
import { read } from "./api.js";
import { el } from "./dom.js";
import { t } from "./i18n.js";

let guides = {};

export async function loadGuides() {
  try {
    guides = (await read("/api/v1/guides")).data.guides;
  } catch {
    // Neither network nor today's copy: the sheets show no guide rather than an old one.
  }
  return guides;
}

export const guideFor = (business) => guides[business] || [];

/** A business's guide as a checklist (a checkbox `checked` per line, its id the value), or null if it has none. */
export function guideChecklist(business) {
  const lines = guideFor(business);
  if (!lines.length) return null;
  const list = el("ul", "guide-list");
  for (const line of lines) {
    const label = el("label", "choice");
    const box = document.createElement("input");
    Object.assign(box, { type: "checkbox", name: "checked", value: line.id });
    label.append(box, el("span", `guide-kind guide-${line.kind}`, t(`guide_kind.${line.kind}`)), ` ${line.text}`);
    const item = el("li", "");
    item.append(label);
    list.append(item);
  }
  return list;
}
