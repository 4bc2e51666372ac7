"""Reading and editing the branch's guides: the branch's own list of a business where a supervisor made one,
else the defaults, worded in the reader's language."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from server.auth.models import User
from server.common.clock import utcnow
from server.common.locking import lock
from server.extensions import db
from server.floor.codes import BusinessType
from server.guides.defaults import DEFAULTS
from server.guides.models import BusinessGuide
from server.guides.schemas import GuideIn


def guides(actor: User) -> dict[str, list[dict]]:
    """Every business's list, {business: [{id, kind, text}]}."""
    own = {
        guide.business_type: guide.items
        for guide in db.session.scalars(select(BusinessGuide).where(BusinessGuide.branch_id == actor.branch_id))
    }
    return {business.value: own.get(business) or default_items(business) for business in BusinessType}


def default_items(business: BusinessType) -> list[dict]:
    return [{"id": code, "kind": kind, "text": str(text)} for code, kind, text in DEFAULTS.get(business, ())]


def save_guide(actor: User, business: BusinessType, data: GuideIn) -> list[dict]:
    """Replace the branch's list for a business. Lines keep their id (what care recorded stays readable);
    new lines get one."""
    branch = actor.home_branch
    lock(branch)
    items = [{"id": line.id or uuid.uuid4().hex[:12], "kind": line.kind, "text": line.text} for line in data.items]
    guide = db.session.scalar(
        select(BusinessGuide).where(BusinessGuide.branch_id == branch.id, BusinessGuide.business_type == business)
    )
    if guide is None:
        guide = BusinessGuide(branch_id=branch.id, business_type=business)
        db.session.add(guide)
    guide.items, guide.updated_by_id, guide.updated_at = items, actor.id, utcnow()
    db.session.flush()
    return items
