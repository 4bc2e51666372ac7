/* The branch's settings (thresholds of triage and waiting tolerance), read through the snapshot so they work offline. */
import { read } from "./api.js";

const DEFAULTS = {
  wait_tolerance_minutes: 15, care_reminder_minutes: 10, self_service_withdrawal_limit: 20000,
  self_service_deposit_limit: 100000, self_service_transfer_limit: 50000,
  green_channel_flags: ["elderly", "disabled", "urgent"],
};
let cached = null;

export async function branchSettings() {
  if (!cached) {
    cached = read("/api/v1/settings")
      .then((result) => ({ ...DEFAULTS, ...result.data.settings }))
      .catch(() => { cached = null; return DEFAULTS; });
  }
  return cached;
}
