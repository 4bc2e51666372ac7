"""The branch's settings: typed defaults from domain.md, who may change them, validation, audit."""

from __future__ import annotations

from sqlalchemy import select

from server.audit.models import AuditEvent
from server.extensions import db
from tests.helpers import assert_error

DEFAULTS = {
    "wait_tolerance_minutes": 15,
    "care_reminder_minutes": 10,
    "long_wait_alert_multiple": 2,
    "vip_lounge_minutes": 0,
    "referral_timeout_minutes": 3,
    "follow_up_business_days": 1,
    "complaint_on_site_minutes": 10,
    "complaint_phone_reply_business_days": 1,
    "complaint_decision_days": 15,
    "complaint_extended_days": 30,
    "complaint_further_extension_days": 30,
    "opening_time": "09:00",
    "fault_reminder_hours": 4,
    "holidays": [],
    "self_service_withdrawal_limit": 20000,
    "self_service_deposit_limit": 100000,
    "self_service_transfer_limit": 50000,
    "cash_escort_threshold": 50000,
    "green_channel_flags": ["elderly", "disabled", "urgent"],
    "reveal_roles": ["account_manager", "supervisor"],
    "notification_channels": ["webpush", "live", "wecom"],
    "idle_lock_minutes": 10,
    "reveals_per_hour": 20,
    "wecom_share_names": False,
    "retention_years": 5,
}


def test_new_branch_has_the_domain_defaults(api, make_user):
    staff = make_user("lobby_manager")
    api.login(staff)
    body = api.get("/api/v1/settings").get_json()
    assert body["settings"] == DEFAULTS
    assert body["branch"]["id"] == staff.branch_id and body["branch"]["timezone"] == "Asia/Shanghai"
    assert body["can_edit"] is False


def test_lobby_manager_cannot_change_settings(api, make_user):
    api.login(make_user("lobby_manager"))
    assert_error(api.patch("/api/v1/settings", {"wait_tolerance_minutes": 20}), 403, "forbidden")
    assert api.get("/api/v1/settings").get_json()["settings"]["wait_tolerance_minutes"] == 15


def test_supervisor_changes_settings_and_it_is_audited(app, api, make_user):
    supervisor = make_user("supervisor")
    api.login(supervisor)
    body = api.patch("/api/v1/settings", {"wait_tolerance_minutes": 20, "self_service_withdrawal_limit": 30000})
    assert body.status_code == 200
    assert body.get_json()["settings"] == {
        **DEFAULTS,
        "wait_tolerance_minutes": 20,
        "self_service_withdrawal_limit": 30000,
    }
    with app.app_context():
        event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "branch.settings_changed"))
    assert event.actor_id == supervisor.id
    assert event.details["changes"] == {
        "wait_tolerance_minutes": [15, 20],
        "self_service_withdrawal_limit": [20000, 30000],
    }


def test_bad_settings_are_refused_field_by_field(api, make_user):
    api.login(make_user("supervisor"))
    error = assert_error(
        api.patch("/api/v1/settings", {"wait_tolerance_minutes": 0, "colour": "red", "cash_escort_threshold": "lots"}),
        422,
        "validation_failed",
    )
    assert set(error["fields"]) == {"wait_tolerance_minutes", "colour", "cash_escort_threshold"}
    assert api.get("/api/v1/settings").get_json()["settings"] == DEFAULTS


def test_supervisor_changes_only_their_own_branch(api, api_factory, make_user):
    api.login(make_user("supervisor", branch_code="A001"))
    other = api_factory()
    other.login(make_user("lobby_manager", branch_code="B002"))
    api.patch("/api/v1/settings", {"referral_timeout_minutes": 5})
    assert other.get("/api/v1/settings").get_json()["settings"]["referral_timeout_minutes"] == 3


def test_admin_names_the_branch(api, make_user, make_branch):
    branch_id = make_branch("C003")
    api.login(make_user("admin", branch_code=None))
    assert "branch_id" in assert_error(api.get("/api/v1/settings"), 422, "validation_failed")["fields"]
    assert_error(api.get("/api/v1/settings?branch_id=nope"), 404, "not_found")
    assert api.get(f"/api/v1/settings?branch_id={branch_id}").get_json()["branch"]["code"] == "C003"
