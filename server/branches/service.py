"""Creating branches and changing their settings."""

from __future__ import annotations

import re
import secrets
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from server.audit import service as audit
from server.branches.events import settings_changed
from server.branches.models import Branch, touch_floor
from server.branches.settings import BranchSettings
from server.common.errors import Conflict, NotFound, ValidationFailed
from server.common.http import validate
from server.common.origins import allowed
from server.common.vault import vault
from server.extensions import db

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")


def create_branch(code: str, name: str, timezone: str = "Asia/Shanghai", actor=None) -> Branch:
    """A new branch with the default settings of domain.md."""
    code = (code or "").strip().upper()
    name = (name or "").strip()
    fields = {}
    if not CODE_PATTERN.match(code):
        fields["code"] = _("2–32 letters, digits or dashes.")
    if not 1 <= len(name) <= 120:
        fields["name"] = _("Give the branch a name (at most 120 characters).")
    if not _is_timezone(timezone):
        fields["timezone"] = _("Unknown time zone.")
    if fields:
        raise ValidationFailed(fields=fields)
    if db.session.scalar(select(Branch.id).where(Branch.code == code)):
        raise Conflict(_("A branch with code %(code)s already exists.", code=code), fields={"code": _("Taken.")})
    branch = Branch(code=code, name=name, timezone=timezone, settings_data=BranchSettings().model_dump(mode="json"))
    db.session.add(branch)
    db.session.flush()
    audit.record("branch.created", actor=actor, subject_type="branch", subject_id=branch.id, branch_id=branch.id)
    return branch


def get_branch_by_code(code: str) -> Branch:
    branch = db.session.scalar(select(Branch).where(Branch.code == (code or "").strip().upper()))
    if branch is None:
        raise NotFound(_("No branch with code %(code)s.", code=code))
    return branch


def list_branches() -> list[Branch]:
    return list(db.session.scalars(select(Branch).order_by(Branch.code)))


def update_settings(branch: Branch, changes: dict, actor) -> BranchSettings:
    """Apply a partial change to the branch's settings; the old and new values go to the audit trail."""
    before = branch.settings
    after = validate(BranchSettings, {**before.model_dump(), **changes})
    branch.settings = after
    touch_floor(branch.id)  # the tolerance colours the board
    settings_changed.send(branch, before=before, after=after)
    old, new = before.model_dump(mode="json"), after.model_dump(mode="json")
    changed = {k: [old[k], v] for k, v in new.items() if old[k] != v}
    if changed:
        audit.record(
            "branch.settings_changed",
            actor=actor,
            subject_type="branch",
            subject_id=branch.id,
            branch_id=branch.id,
            changes=changed,
        )
    db.session.flush()
    return after


def _is_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return True


def rotate_queue_secret(branch: Branch, actor=None) -> str:
    """A new webhook secret for the branch's queue-ticket machine; shown once, stored encrypted."""
    secret = secrets.token_urlsafe(32)
    branch.queue_secret_cipher = vault().encrypt("queue_secret", secret)
    audit.record(
        "branch.queue_secret_rotated", actor=actor, subject_type="branch", subject_id=branch.id, branch_id=branch.id
    )
    db.session.flush()
    return secret


def queue_secret(branch: Branch) -> str | None:
    return vault().decrypt("queue_secret", branch.queue_secret_cipher) if branch.queue_secret_cipher else None


def set_wecom_webhook(branch: Branch, url: str | None, actor=None) -> None:
    """The branch's Enterprise WeChat group-robot webhook (None: stop using it); only towards allowed origins."""
    if url and not allowed(url, current_app.config["WECOM_ALLOWED_ORIGINS"]):
        raise ValidationFailed(
            _("Not an Enterprise WeChat webhook address."), fields={"url": _("Not an allowed webhook address.")}
        )
    branch.wecom_webhook_cipher = vault().encrypt("wecom_webhook", url) if url else None
    audit.record(
        "branch.wecom_webhook_set",
        actor=actor,
        subject_type="branch",
        subject_id=branch.id,
        branch_id=branch.id,
        enabled=bool(url),
    )
    db.session.flush()


def wecom_webhook(branch: Branch) -> str | None:
    return vault().decrypt("wecom_webhook", branch.wecom_webhook_cipher) if branch.wecom_webhook_cipher else None
