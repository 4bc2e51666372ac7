"""Shapes of the checks, assets and faults API."""

from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from server.checks.codes import SELF_SERVICE, Category, FaultSeverity, FaultStep, Result
from server.checks.labels import ASSET_KIND_NAMES, ITEM_TEXTS, PHASE_NAMES
from server.checks.models import Asset, ChecklistTemplate, CheckRun, CheckTick, Fault, TemplateItem
from server.common.fields import ClientTime, WrittenReason
from server.common.types import new_id
from server.customers.schemas import UUID_PATTERN

PHASE_PATTERN = r"^[a-z][a-z0-9_]{2,39}$"


class FaultIn(BaseModel):
    """A fault seen on the floor; the same open asset and symptom again adds to the fault already open."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    asset: str | None = Field(None, pattern=UUID_PATTERN, description="the asset's id (none: not a machine)")
    symptom: WrittenReason = Field(min_length=1, max_length=200)
    note: str | None = Field(None, max_length=2000)
    severity: FaultSeverity = FaultSeverity.OUT_OF_SERVICE
    since: ClientTime | None = None


class FaultActionIn(BaseModel):
    """A step of the fault: `reported` (to whom, the vendor's ticket), `fixing`, `fixed`, `verified`, `note`."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    type: FaultStep
    note: str | None = Field(None, max_length=2000)
    reported_to: str | None = Field(None, max_length=120)
    vendor_ticket: str | None = Field(None, max_length=60)
    occurred_at: ClientTime | None = None

    @model_validator(mode="after")
    def _steps_people_take(self) -> FaultActionIn:
        if self.type in (FaultStep.OPENED, FaultStep.REPORTED_AGAIN):
            raise ValueError(_("Report the fault again with the fault form."))
        if self.type == FaultStep.NOTE and not self.note:
            raise ValueError(_("Write the note."))
        return self


class RunIn(BaseModel):
    """The day's run of a phase. Its id, when left out, is `run_id(branch, phase, day)`: every phone that
    starts the run offline names it the same, so their ticks meet on one run."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str | None = Field(None, pattern=UUID_PATTERN)
    phase: str = Field(pattern=PHASE_PATTERN)
    date: dt.date | None = Field(None, description="the branch's local date; today when left out")

    @field_validator("date")
    @classmethod
    def _recent(cls, value: dt.date | None) -> dt.date | None:
        """A run for a day of the last month (one forgotten yesterday is filled in), never far ahead."""
        if value is not None and not -31 <= (value - dt.date.today()).days <= 1:
            raise ValueError(_("Checks are recorded for a day of the last month."))
        return value


class TickIn(BaseModel):
    """One answer to a checklist item; a fault opens (or adds to) the item's fault."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    result: Result
    note: str | None = Field(None, max_length=2000)
    photo_id: str | None = Field(None, pattern=UUID_PATTERN)
    occurred_at: ClientTime | None = None


class TemplateLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str | None = Field(None, pattern=UUID_PATTERN, description="the line it rewords or keeps (none: new)")
    text: WrittenReason | None = Field(None, min_length=1, max_length=200)
    category: Category
    asset: str | None = Field(None, pattern=UUID_PATTERN)

    @model_validator(mode="after")
    def _worded(self) -> TemplateLineIn:
        if self.id is None and not self.text:
            raise ValueError(_("Write the new line."))
        return self


class TemplateIn(BaseModel):
    """The whole new version of a checklist, its lines in order (leave a line out to retire it)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(None, min_length=1, max_length=80)
    items: list[TemplateLineIn] = Field(min_length=1, max_length=100)


# --- answers -------------------------------------------------------------------------------------------


def _person(user) -> dict | None:
    return {"id": user.id, "display_name": user.display_name} if user else None


def asset_name(asset: Asset) -> str:
    if asset.name:
        return asset.name
    kind = str(ASSET_KIND_NAMES[asset.kind])
    return f"{kind} {asset.number}" if asset.number else kind


def asset_out(asset: Asset | None) -> dict | None:
    if asset is None:
        return None
    return {
        "id": asset.id,
        "name": asset_name(asset),
        "kind": asset.kind.value,
        "self_service": asset.kind in SELF_SERVICE,
    }


def fault_brief(fault: Fault) -> dict:
    return {
        "id": fault.id,
        "asset": asset_out(fault.asset),
        "symptom": fault.symptom,
        "severity": fault.severity.value,
        "status": fault.status.value,
        "since": fault.since.isoformat(),
    }


def fault_out(fault: Fault) -> dict:
    return {
        **fault_brief(fault),
        "reported_by": _person(fault.reported_by),
        "reported_to": fault.reported_to,
        "vendor_ticket": fault.vendor_ticket,
        "fixed_at": fault.fixed_at.isoformat() if fault.fixed_at else None,
        "fixed_by": _person(fault.fixed_by),
        "verified_at": fault.verified_at.isoformat() if fault.verified_at else None,
        "events": [
            {
                "id": e.id,
                "type": e.type.value,
                "note": e.note,
                "actor": _person(e.actor),
                "at": e.occurred_at.isoformat(),
            }
            for e in fault.events
        ],
    }


def item_text(item: TemplateItem) -> str:
    return item.text or str(ITEM_TEXTS.get(item.code or "", item.code or ""))


def template_name(template: ChecklistTemplate) -> str:
    return template.name or str(PHASE_NAMES.get(template.phase, template.phase))  # type: ignore[call-overload]


def template_out(template: ChecklistTemplate) -> dict:
    return {
        "id": template.id,
        "phase": template.phase,
        "name": template_name(template),
        "version": template.version,
        "items": [_line(item) for item in template.items],
    }


def _line(item: TemplateItem) -> dict:
    return {"id": item.id, "text": item_text(item), "category": item.category.value, "asset": asset_out(item.asset)}


def _tick(tick: CheckTick) -> dict:
    return {
        "id": tick.id,
        "result": tick.result.value,
        "note": tick.note,
        "fault_id": tick.fault_id,
        "photo_id": tick.photo_id,
        "actor": _person(tick.actor),
        "at": tick.occurred_at.isoformat(),
    }


def run_out(run: CheckRun) -> dict:
    ticks: dict[str, list[CheckTick]] = {}
    for tick in run.ticks:  # in the device's time order: the last one is the item's result
        ticks.setdefault(tick.item_id, []).append(tick)
    items = []
    for item in run.template.items:
        history = ticks.get(item.id, [])
        latest = history[-1] if history else None
        items.append(
            {
                **_line(item),
                "result": latest.result.value if latest else None,
                "note": latest.note if latest else None,
                "fault_id": latest.fault_id if latest else None,
                "photo_id": latest.photo_id if latest else None,
                "history": [_tick(t) for t in history],
            }
        )
    return {
        "id": run.id,
        "phase": run.phase,
        "name": template_name(run.template),
        "date": run.day.isoformat(),
        "template_version": run.template.version,
        "started_by": _person(run.started_by),
        "completed_at": run.completed_at.isoformat() if run.completed_at else None,
        "items": items,
    }
