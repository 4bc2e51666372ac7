"""JSON endpoints of the opening and closing checks, the branch's equipment and its faults."""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from server.checks import faults, photos, runs
from server.checks.schemas import (
    PHASE_PATTERN,
    FaultActionIn,
    FaultIn,
    RunIn,
    TemplateIn,
    TickIn,
    asset_out,
    fault_out,
    run_out,
    template_out,
)
from server.common.errors import ValidationFailed
from server.common.http import date_arg, large_body, outbox_write, parse_json, transactional
from server.common.openapi import documented
from server.common.policy import require_roles
from server.common.roles import BRANCH_STAFF, Role
from server.common.types import is_uuid

bp = Blueprint("checks_api", __name__, url_prefix="/api/v1")


@bp.get("/assets")
@require_roles(*BRANCH_STAFF)
@transactional
def assets():
    """The branch's equipment (seeded with the checklists on first use)."""
    return jsonify(assets=[asset_out(a) for a in faults.list_assets(current_user)])


@bp.post("/faults")
@documented(body=FaultIn, answers=(200, 201))
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def report_fault():
    """Report a fault; the same open asset and symptom answers 200 with the fault already open."""
    fault, created = faults.report_fault(current_user, parse_json(FaultIn))
    return jsonify(fault=fault_out(fault)), 201 if created else 200


@bp.get("/faults")
@documented(query={"status": "open (default) or all (the last 30 days)"})
@require_roles(*BRANCH_STAFF)
def list_faults():
    """The branch's open faults, oldest first."""
    rows = faults.list_faults(current_user, request.args.get("status", "open"))
    return jsonify(faults=[fault_out(f) for f in rows])


@bp.get("/faults/<fault_id>")
@require_roles(*BRANCH_STAFF)
def fault(fault_id: str):
    """One fault with its history."""
    return jsonify(fault=fault_out(faults.get_fault(current_user, fault_id)))


@bp.post("/faults/<fault_id>/actions")
@documented(body=FaultActionIn)
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def act_on_fault(fault_id: str):
    """Reported to maintenance, being fixed, fixed, verified, or a note."""
    return jsonify(fault=fault_out(faults.act(current_user, fault_id, parse_json(FaultActionIn))))


@bp.get("/checks/templates")
@require_roles(*BRANCH_STAFF)
@transactional
def templates():
    """The branch's current checklists."""
    return jsonify(templates=[template_out(t) for t in runs.templates(current_user)])


@bp.put("/checks/templates/<phase>")
@documented(body=TemplateIn)
@outbox_write
@require_roles(Role.SUPERVISOR, Role.ADMIN)
@transactional
def save_template(phase: str):
    """Save a new version of a checklist (runs already made keep theirs)."""
    _check_phase(phase)
    return jsonify(template=template_out(runs.save_template(current_user, phase, parse_json(TemplateIn))))


@bp.get("/checks/runs")
@documented(query={"date": "YYYY-MM-DD, the branch's day (today)", "phase": "one phase only"})
@require_roles(*BRANCH_STAFF)
def day_runs():
    """The runs of a day, each item with its result and the history of its ticks."""
    day = date_arg("date", runs.local_today(current_user.home_branch))
    phase = request.args.get("phase") or None
    if phase:
        _check_phase(phase)
    return jsonify(runs=[run_out(r) for r in runs.runs_of_day(current_user, day, phase)])


@bp.post("/checks/runs")
@documented(body=RunIn, answers=(200, 201))
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def start_run():
    """Start the day's run of a checklist, or get the one another phone started."""
    run, created = runs.start_run(current_user, parse_json(RunIn))
    return jsonify(run=run_out(run)), 201 if created else 200


@bp.put("/checks/runs/<run_id>/items/<item_id>")
@documented(body=TickIn)
@outbox_write
@require_roles(*BRANCH_STAFF)
@transactional
def tick(run_id: str, item_id: str):
    """Answer one item: ok, fault (opens the item's fault) or not applicable."""
    return jsonify(run=run_out(runs.tick(current_user, run_id, item_id, parse_json(TickIn))))


def _check_phase(phase: str) -> None:
    if not re.match(PHASE_PATTERN, phase):
        raise ValidationFailed(fields={"phase": _("Not a checklist name (a-z, digits and _).")})


@bp.put("/photos/<photo_id>")
@large_body("PHOTO_MAX_BYTES")
@require_roles(*BRANCH_STAFF)
@transactional
def upload_photo(photo_id: str):
    """A photo for a checklist item, the image's bytes as the body (up to 10 MB; it is stored re-encoded,
    without EXIF). Sent alone, never in a /sync batch; the same id and photo again is one."""
    if not is_uuid(photo_id):
        raise ValidationFailed(fields={"id": _("Not a record id.")})
    photo, created = photos.save_photo(current_user, photo_id.lower(), request.get_data(cache=False))
    return jsonify(photo={"id": photo.id, "width": photo.width, "height": photo.height, "size": photo.size}), (
        201 if created else 200
    )


@bp.get("/photos/<photo_id>")
@require_roles(*BRANCH_STAFF)
def photo(photo_id: str):
    """The stored photo (the branch's staff only; never cached by a shared cache)."""
    _photo, path = photos.get_photo(current_user, photo_id)
    return Response(path.read_bytes(), mimetype="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})
