/* Full numbers do not stay on the phone. A record the server refused keeps what the user typed so that it can
   be fixed and sent again — but not past the business day, and not for another account signed in on the
   same phone: its phone, ID and card numbers are removed then (the rest stays), and the user is told. Sign-out
   wipes the user's refused records altogether (idb.js). Records still waiting to be sent keep their numbers:
   they leave the phone as soon as the network lets them. */
import { sameBusinessDay } from "./api.js";

const DB = self.LobbypadDB;
export const NUMBER_FIELDS = ["phone", "id_number", "card_number"];

/** Removes the numbers of refused records of an earlier day or of another account; how many of this user's. */
export async function scrubRefusedNumbers(userId, now = Date.now()) {
  let mine = 0;
  for (const record of await DB.all("rejected")) {
    const body = record.body || {};
    const held = NUMBER_FIELDS.filter((field) => body[field]);
    const stale = !sameBusinessDay(record.rejectedAt || 0, now) || (record.userId && record.userId !== userId);
    if (!held.length || !stale) continue;
    const kept = { ...body };
    for (const field of held) delete kept[field];
    await DB.put("rejected", { ...record, body: kept, numbersRemoved: held });
    if (!record.userId || record.userId === userId) mine += 1;
  }
  return mine;
}
