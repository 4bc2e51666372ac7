"""Reading and setting the products of a month (supervisors set them; everyone reads them)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import delete, select

from server.audit import service as audit
from server.auth.models import User
from server.campaigns.models import Product
from server.common.errors import PermissionDenied
from server.common.roles import Role
from server.extensions import db

MAX_PRODUCTS = 8


def month_of(tz_now: datetime) -> date:
    return tz_now.date().replace(day=1)


def products_of(branch_id: str, month: date) -> list[Product]:
    stmt = select(Product).where(Product.branch_id == branch_id, Product.month == month).order_by(Product.position)
    return list(db.session.scalars(stmt))


def set_products(actor: User, month: date, items: list[tuple[str, str]]) -> list[Product]:
    """Replace the month's list (name, key points), in the order given."""
    if actor.role != Role.SUPERVISOR:
        raise PermissionDenied(_("Only a supervisor sets the products of the month."), code="supervisors_only")
    db.session.execute(delete(Product).where(Product.branch_id == actor.branch_id, Product.month == month))
    products = [
        Product(branch_id=actor.branch_id, month=month, position=i, name=name, key_points=points)
        for i, (name, points) in enumerate(items)
    ]
    db.session.add_all(products)
    db.session.flush()
    audit.record(
        "campaign.set",
        actor=actor,
        subject_type="branch",
        subject_id=actor.branch_id,
        branch_id=actor.branch_id,
        month=month.isoformat(),
        products=len(products),
    )
    return products


def is_product_of(branch_id: str, month: date, name: str) -> bool:
    return name in {p.name for p in products_of(branch_id, month)}
