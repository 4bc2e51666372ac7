"""Incidents (reported in one tap, told at once to the supervisors and the lobby managers on duty) and the
lost-property register."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from server.audit import service as audit
from server.auth.models import User
from server.auth.service import supervisors
from server.common.clock import utcnow
from server.common.errors import Conflict, ValidationFailed
from server.common.idempotency import create_once, fingerprint
from server.common.locking import lock
from server.common.policy import get_scoped_or_404
from server.common.roles import Role
from server.extensions import db
from server.floor.models import Visit
from server.incidents.labels import KIND_NAMES
from server.incidents.models import Incident, IncidentAction, IncidentStep, LostItem
from server.incidents.schemas import IncidentActionIn, IncidentIn, LostItemIn, LostItemStepIn
from server.notifications.service import notify_many, worded

LIST_LIMIT = 100
RECENT = timedelta(hours=24)  # closed incidents stay in the list for a day


# --- incidents --------------------------------------------------------------------------------------


def report(actor: User, data: IncidentIn) -> tuple[Incident, bool]:
    """Report an incident; the supervisors and the lobby managers on duty are told at once."""
    payload = fingerprint(actor=actor.id, **data.model_dump(mode="json"))
    incident, created = create_once(Incident, data.id.lower(), payload, lambda: _build(actor, data))
    if created:
        _tell(incident, actor)
    return incident, created


def _build(actor: User, data: IncidentIn) -> Incident:
    now = utcnow()
    incident = Incident(
        id=data.id.lower(),
        branch_id=actor.branch_id,
        kind=data.kind,
        note=data.note or None,
        visit=get_scoped_or_404(Visit, data.visit_id, actor) if data.visit_id else None,
        reported_by=actor,
        occurred_at=data.occurred_at or now,
        recorded_at=now,
    )
    return incident


def responders(branch_id: str) -> list[User]:
    """Who hears of an incident: every supervisor and every lobby manager on duty."""
    on_duty = db.session.scalars(
        select(User).where(
            User.branch_id == branch_id,
            User.role == Role.LOBBY_MANAGER,
            User.active.is_(True),
            User.on_duty.is_(True),
        )
    )
    return [*supervisors(branch_id), *on_duty]


def _tell(incident: Incident, reporter: User) -> None:
    def text() -> tuple[str, str]:
        title = _("Incident: %(kind)s", kind=str(KIND_NAMES[incident.kind]))
        where = _("reported by %(name)s", name=reporter.display_name)
        return title, f"{incident.note} · {where}" if incident.note else where

    notify_many(
        [
            worded(
                person,
                "incident.reported",
                text,
                url=f"/#complaints/incident/{incident.id}",
                ref=("incident", incident.id),
                dedupe_key=f"incident.reported:{incident.id}:{person.id}",
                tag=f"incident-{incident.id}",
                group=lambda: (_("Incident: %(kind)s", kind=str(KIND_NAMES[incident.kind])), ""),
            )
            for person in responders(incident.branch_id)
            if person.id != reporter.id
        ]
    )


def get_incident(actor: User, incident_id: str) -> Incident:
    return get_scoped_or_404(Incident, incident_id, actor)


def list_incidents(actor: User, now: datetime) -> list[Incident]:
    """Open incidents, and those closed in the last day."""
    return list(
        db.session.scalars(
            select(Incident)
            .options(selectinload(Incident.actions), selectinload(Incident.reported_by))
            .where(
                Incident.branch_id == actor.branch_id,
                or_(Incident.closed_at.is_(None), Incident.closed_at >= now - RECENT),
            )
            .order_by(Incident.closed_at.is_not(None), Incident.occurred_at.desc())
            .limit(LIST_LIMIT)
        )
    )


def act(actor: User, incident_id: str, data: IncidentActionIn) -> Incident:
    """An action on the incident's timeline; `close` with what happened. A retry of the same id is one."""
    incident = get_incident(actor, incident_id)
    lock(incident)
    known = db.session.get(IncidentAction, data.id.lower())
    if known is not None:
        if known.incident_id != incident.id:
            raise Conflict(_("A different record with this id already exists."), code="id_conflict")
        return incident
    if incident.closed_at is not None:
        raise Conflict(_("This incident is closed."), code="incident_closed")
    if data.type in (IncidentStep.CLOSE, IncidentStep.NOTE) and not data.note:
        raise ValidationFailed(fields={"note": _("Write what happened.")})
    when = data.occurred_at or utcnow()
    incident.actions.append(
        IncidentAction(id=data.id.lower(), type=data.type, note=data.note, actor=actor, occurred_at=when)
    )
    if data.type == IncidentStep.CLOSE:
        incident.outcome, incident.closed_at, incident.closed_by = data.note, when, actor
    db.session.flush()
    return incident


# --- lost property ----------------------------------------------------------------------------------


def record_lost_item(actor: User, data: LostItemIn) -> tuple[LostItem, bool]:
    payload = fingerprint(actor=actor.id, **data.model_dump(mode="json"))
    return create_once(
        LostItem,
        data.id.lower(),
        payload,
        lambda: LostItem(
            branch_id=actor.branch_id,
            what=data.what,
            where_found=data.where_found,
            found_at=data.found_at or utcnow(),
            found_by=actor,
            kept_where=data.kept_where or None,
            handed_to=data.handed_to or None,
            note=data.note or None,
        ),
    )


def update_lost_item(actor: User, item_id: str, data: LostItemStepIn) -> LostItem:
    """Handed on, moved, or returned to its owner (audited: the owner's name is personal data)."""
    item = get_scoped_or_404(LostItem, item_id, actor)
    lock(item)
    if data.returned_to:
        if item.returned_at is not None:
            if item.returned_to == data.returned_to:
                return item  # the outbox sent it again
            raise Conflict(_("Already returned to its owner."), code="already_returned")
        item.returned_to, item.returned_at, item.returned_by = data.returned_to, data.occurred_at or utcnow(), actor
        audit.record(
            "lost_item.returned", actor=actor, subject_type="lost_item", subject_id=item.id, branch_id=item.branch_id
        )
    if data.handed_to:
        item.handed_to = data.handed_to
    if data.kept_where:
        item.kept_where = data.kept_where
    if data.note:
        item.note = f"{item.note}\n{data.note}" if item.note else data.note
    db.session.flush()
    return item


def search_lost_items(actor: User, query: str, kept_only: bool) -> list[LostItem]:
    stmt = select(LostItem).where(LostItem.branch_id == actor.branch_id)
    if query:
        like = f"%{query.replace('%', '').replace('_', '')}%"
        stmt = stmt.where(
            or_(LostItem.what.ilike(like), LostItem.where_found.ilike(like), LostItem.returned_to.ilike(like))
        )
    if kept_only:
        stmt = stmt.where(LostItem.returned_at.is_(None))
    return list(db.session.scalars(stmt.order_by(LostItem.found_at.desc()).limit(LIST_LIMIT)))
