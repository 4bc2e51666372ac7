"""The typed per-branch settings; each default is the number from domain.md."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class BranchSettings(BaseModel):
    """Thresholds and timeouts a branch may tune. Amounts in CNY; a limit is the first amount *not* self-service."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    wait_tolerance_minutes: int = Field(15, ge=1, le=240)
    care_reminder_minutes: int = Field(10, ge=1, le=240)
    referral_timeout_minutes: int = Field(3, ge=1, le=120)
    follow_up_business_days: int = Field(1, ge=1, le=30)
    complaint_reply_business_days: int = Field(1, ge=1, le=30)
    self_service_withdrawal_limit: int = Field(20000, ge=0, le=10_000_000)
    self_service_deposit_limit: int = Field(100000, ge=0, le=10_000_000)
    self_service_transfer_limit: int = Field(50000, ge=0, le=10_000_000)
    cash_escort_threshold: int = Field(50000, ge=0, le=10_000_000)

    def updated(self, changes: dict) -> "BranchSettings":
        """A validated copy with `changes` applied (unknown keys and bad values are refused)."""
        return BranchSettings.model_validate({**self.model_dump(), **changes})
