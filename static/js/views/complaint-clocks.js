/* A complaint's clocks in plain words, counted down on the phone from the server's due times. */
import { t } from "../i18n.js";

/** "12 days", "4 h", "7 min": the time left (or past) in its largest whole unit. */
export function span(ms) {
  const minutes = Math.floor(Math.abs(ms) / 60000);
  if (minutes >= 2 * 24 * 60) return t("c_left.days", { n: Math.floor(minutes / (24 * 60)) });
  if (minutes >= 120) return t("c_left.hours", { n: Math.floor(minutes / 60) });
  return t("c_left.min", { n: minutes });
}

/** One clock in plain words: "Regulator deadline in 12 days", "Hand to the service quality lead in 4 min". */
export function clockLine(clock, now = Date.now()) {
  const left = Date.parse(clock.due_at) - now;
  if (clock.state === "met" || clock.state === "met_late") return t("c_clock.met", { what: t(`c_deadline.${clock.kind}`) });
  if (clock.state === "ended") return t("c_clock.ended", { what: t(`c_deadline.${clock.kind}`) });
  if (clock.state === "paused") return t("c_clock.paused");
  return left >= 0 ? t(`c_clock.${clock.kind}`, { left: span(left) }) : t("c_clock.overdue", {
    what: t(`c_deadline.${clock.kind}`), left: span(left) });
}

/** The clock that matters most now: the soonest one still running. */
export function soonest(complaint) {
  const running = complaint.deadlines.filter((d) => d.state === "running" || d.state === "missed" || d.state === "paused");
  return running.sort((a, b) => Date.parse(a.due_at) - Date.parse(b.due_at))[0] || null;
}
