/* One way of writing times and days everywhere in the app, at the branch's wall clock: "10:40",
   "12月3日" / "3 Dec", and for deadlines the day in words: "今天" / "明天（周四）" / "12月7日（周一）". */
import { lang, meta } from "./dom.js";

const zone = () => meta("timezone") || "Asia/Shanghai";
const format = (options) => new Intl.DateTimeFormat(lang(), { timeZone: zone(), ...options });
const dayKey = (date) => new Intl.DateTimeFormat("en-CA", { timeZone: zone() }).format(date);  // 2026-12-03

/** "10:40" at the branch. */
export const timeOf = (iso) => format({ hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(iso));

/** "12月3日" / "3 Dec" (with the year when it is not this year). */
export function dateOf(iso) {
  const date = new Date(iso);
  const thisYear = dayKey(date).slice(0, 4) === dayKey(new Date()).slice(0, 4);
  return format(thisYear ? { month: "short", day: "numeric" } : { year: "numeric", month: "short", day: "numeric" }).format(date);
}

/** "12月3日 10:40" / "3 Dec, 10:40". */
export const dateTimeOf = (iso) => `${dateOf(iso)} ${timeOf(iso)}`;

/** The day of a deadline in words: today, tomorrow (Thursday), or the date with its weekday. */
export function dayInWords(iso, t, now = new Date()) {
  const date = new Date(iso);
  const weekday = format({ weekday: "short" }).format(date);
  const days = Math.round((Date.parse(dayKey(date)) - Date.parse(dayKey(now))) / 86400000);
  if (days === 0) return t("day.today");
  if (days === 1) return t("day.tomorrow", { weekday });
  if (days === -1) return t("day.yesterday", { weekday });
  return t("day.date", { date: dateOf(iso), weekday });
}
