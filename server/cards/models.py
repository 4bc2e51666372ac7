"""Card batches received by a branch and each card handed out."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.common.clock import utcnow
from server.common.idempotency import ClientCreated
from server.common.types import IdString, UTCDateTime, code_enum, new_id
from server.customers.models import Customer
from server.extensions import Model


class CardType(StrEnum):
    VIP_EXPERIENCE = "vip_experience"  # numbered: each serial is handed out once
    LOBBY_MANAGER_CARD = "lobby_manager_card"
    ACCOUNT_MANAGER_CARD = "account_manager_card"
    PRODUCT_BROCHURE = "product_brochure"


SERIALIZED = (CardType.VIP_EXPERIENCE,)


class CardBatch(ClientCreated, Model):
    """Serials `prefix` + first…last (zero-padded to `width` digits) received by the branch."""

    __tablename__ = "card_batches"

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"), index=True)
    card_type: Mapped[CardType] = mapped_column(code_enum(CardType, "card_type"))
    prefix: Mapped[str] = mapped_column(String(12), default="")
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    received_by_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))

    received_by: Mapped[User] = relationship()

    def serial(self, number: int) -> str:
        return f"{self.prefix}{number:0{self.width}d}"


class CardHandout(Model):
    __tablename__ = "card_handouts"
    __table_args__ = (
        # A numbered card goes to one customer: the second handout of a serial is refused.
        UniqueConstraint("branch_id", "serial", name="uq_card_handouts_branch_serial"),
        Index("ix_card_handouts_branch_handed", "branch_id", "handed_at"),
    )

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    card_type: Mapped[CardType] = mapped_column(code_enum(CardType, "card_type"))
    serial: Mapped[str | None] = mapped_column(String(32))
    batch_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("card_batches.id"), index=True)
    customer_id: Mapped[str] = mapped_column(IdString, ForeignKey("customers.id"), index=True)
    referral_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("referrals.id"))
    handed_by_id: Mapped[str] = mapped_column(IdString, ForeignKey("users.id"))
    handed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    customer: Mapped[Customer] = relationship()
    referral = relationship("Referral", back_populates="handouts")  # the follow-up it was handed out with
    handed_by: Mapped[User] = relationship()
