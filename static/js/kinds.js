/* The kinds of record the app writes through the outbox. Each has a name in the Sync panel ("record.<kind>"
   in the message catalog; tests/unit/test_record_names.py checks them). The service worker, a classic
   script, writes "referral.accept" itself. */
export const Kind = Object.freeze({
  VISIT_CREATE: "visit.create",
  VISIT_EVENT: "visit.event",
  VISIT_LINK: "visit.link",
  CARE_DONE: "care.done",
  CARE_SKIP: "care.skip",
  CARE_TAKE: "care.take",
  CUSTOMER_CREATE: "customer.create",
  CUSTOMER_UPDATE: "customer.update",
  REFERRAL_CREATE: "referral.create",
  REFERRAL_ACCEPT: "referral.accept",
  REFERRAL_DECLINE: "referral.decline",
  REFERRAL_MET: "referral.met",
  REFERRAL_OUTCOME: "referral.outcome",
  REFERRAL_REASSIGN: "referral.reassign",
  REFERRAL_CANCEL: "referral.cancel",
  CARDS_BATCH: "cards.batch",
  WORKLOG_ENTRY: "worklog.entry",
  WORKLOG_EDIT: "worklog.edit",
  WORKLOG_WITHDRAW: "worklog.withdraw",
  COMPLAINT_CREATE: "complaint.create",
  COMPLAINT_STEP: "complaint.step",
  INCIDENT_REPORT: "incident.report",
  INCIDENT_STEP: "incident.step",
  LOST_ITEM: "lost.record",
  LOST_ITEM_STEP: "lost.step",
  SETTINGS_HOLIDAYS: "settings.holidays",
  FAULT_REPORT: "fault.report",
  FAULT_STEP: "fault.step",
  CHECK_RUN: "check.run",
  CHECK_TICK: "check.tick",
  CHECK_TEMPLATE: "check.template",
  PHOTO_UPLOAD: "photo.upload",
  ME_DUTY: "me.duty",
  ME_LOCALE: "me.locale",
  PUSH_SUBSCRIBE: "push.subscribe",
  PUSH_TEST: "push.test",
});

/** The kind of a referral's step ("accept" → "referral.accept"). */
export const referralStep = (step) => Kind[`REFERRAL_${step.toUpperCase()}`];
