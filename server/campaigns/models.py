"""The Product table: one of a branch's products of a month."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.common.types import IdString, new_id
from server.extensions import Model


class Product(Model):
    __tablename__ = "campaign_products"
    __table_args__ = (UniqueConstraint("branch_id", "month", "name", name="uq_campaign_products_branch_month_name"),)

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(60))
    key_points: Mapped[str] = mapped_column(Text, default="")
