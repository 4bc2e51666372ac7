"""The typed per-branch settings; each default is the number from domain.md."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model, model_validator
from pydantic.fields import FieldInfo

VisitFlag = Literal["elderly", "disabled", "urgent", "pregnant", "with_child"]
NotificationChannel = Literal["webpush", "live", "wecom"]
StaffRole = Literal["lobby_manager", "account_manager", "supervisor", "admin"]


class BranchSettings(BaseModel):
    """Thresholds and timeouts a branch may tune. Amounts in CNY; a limit is the first amount *not* self-service."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    wait_tolerance_minutes: int = Field(15, ge=1, le=240)
    care_reminder_minutes: int = Field(10, ge=1, le=240)
    # The supervisor hears of a customer still waiting at this many times the tolerance.
    long_wait_alert_multiple: int = Field(2, ge=1, le=10)
    # A VIP not served within this many minutes of arriving is taken to the VIP lounge (0: not served at once).
    vip_lounge_minutes: int = Field(0, ge=0, le=120)
    referral_timeout_minutes: int = Field(3, ge=1, le=120)
    follow_up_business_days: int = Field(1, ge=1, le=30)
    # Complaints (domain.md; the regulator's 15 days, 30 for a complex case, another 30 with approval).
    complaint_on_site_minutes: int = Field(10, ge=1, le=120)  # not settled on site → the service quality lead
    complaint_phone_reply_business_days: int = Field(1, ge=1, le=30)
    complaint_decision_days: int = Field(15, ge=1, le=15)
    complaint_extended_days: int = Field(30, ge=1, le=30)
    complaint_further_extension_days: int = Field(30, ge=1, le=30)
    # Opening and closing checks: the before-opening checklist is due by the opening time (branch time, HH:MM).
    opening_time: str = Field("09:00", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    # A fault still open this long is brought to the supervisors' attention, once.
    fault_reminder_hours: int = Field(4, ge=1, le=168)
    # The branch's public holidays (local dates): business days skip them like weekends.
    holidays: tuple[date, ...] = Field((), max_length=100)
    self_service_withdrawal_limit: int = Field(20000, ge=0, le=10_000_000)
    self_service_deposit_limit: int = Field(100000, ge=0, le=10_000_000)
    self_service_transfer_limit: int = Field(50000, ge=0, le=10_000_000)
    cash_escort_threshold: int = Field(50000, ge=0, le=10_000_000)
    # Arrivals with any of these flags go to the green channel (domain.md: elderly, disabled, urgent).
    green_channel_flags: tuple[VisitFlag, ...] = ("elderly", "disabled", "urgent")
    # Roles that may reveal a customer's full phone or ID number (each reveal is audited).
    reveal_roles: tuple[StaffRole, ...] = ("account_manager", "supervisor")
    # How notifications reach staff: Web Push, the open app, and the Enterprise WeChat group (once its
    # webhook is set with `flask --app server set-wecom-webhook`).
    notification_channels: tuple[NotificationChannel, ...] = ("webpush", "live", "wecom")
    # A handheld left untouched this long locks and asks for the password again (the session stays).
    idle_lock_minutes: int = Field(10, ge=1, le=120)
    # Full numbers one person may reveal in an hour; the supervisors hear of it once when reached.
    reveals_per_hour: int = Field(20, ge=1, le=500)
    # The Enterprise WeChat group is a third party: it gets the honorific and ticket only, unless opted in.
    wecom_share_names: bool = False
    # A customer with no visit for this many years and no marketing consent is anonymised by the worker.
    retention_years: int = Field(5, ge=1, le=30)

    @model_validator(mode="before")
    @classmethod
    def renamed_keys(cls, data: Any) -> Any:
        """Settings stored before a key was renamed keep their value under the new name."""
        if isinstance(data, dict) and "complaint_reply_business_days" in data:
            data = dict(data)
            data.setdefault("complaint_phone_reply_business_days", data.pop("complaint_reply_business_days"))
        return data

    def updated(self, changes: dict) -> BranchSettings:
        """A validated copy with `changes` applied (unknown keys and bad values are refused)."""
        return BranchSettings.model_validate({**self.model_dump(), **changes})


# PATCH /settings: any of the settings (the description of the API; the branch checks the merged whole).
_OPTIONAL: dict[str, Any] = {
    name: (Optional[field.annotation], FieldInfo.merge_field_infos(field, default=None))  # noqa: UP045 — built at run time
    for name, field in BranchSettings.model_fields.items()
}
SettingsPatch = create_model("SettingsPatch", __config__=ConfigDict(extra="forbid"), **_OPTIONAL)
