"""The Customer table: a branch's customer resource register (客户资源信息簿), personal numbers protected."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from server.auth.models import User
from server.common.clock import utcnow
from server.common.idempotency import ClientCreated
from server.common.types import IdString, UTCDateTime, code_enum
from server.extensions import Model


class Tier(StrEnum):
    ORDINARY = "ordinary"
    POTENTIAL = "potential"
    VIP = "vip"


class Salutation(StrEnum):
    MR = "mr"
    MS = "ms"
    NONE = "none"


def _binary(length: int) -> String:
    # Prefix search runs as a range (key >= 'lx' AND key < 'lx\U0010ffff'); that needs code-point order,
    # which SQLite has by default and PostgreSQL gets from the C collation.
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def _given_only(column: str) -> Index:
    """An index of the rows where the customer gave this number. Partial, so that a number most customers
    never give (a card) does not look, to the planner's statistics, like one value shared by every row."""
    given = text(f"{column} IS NOT NULL")
    return Index(f"ix_customers_branch_{column}", "branch_id", column, sqlite_where=given, postgresql_where=given)


class Customer(ClientCreated, Model):
    __tablename__ = "customers"
    __table_args__ = (
        UniqueConstraint("branch_id", "phone_index", name="uq_customers_branch_phone"),
        UniqueConstraint("branch_id", "id_number_index", name="uq_customers_branch_id_number"),
        Index("ix_customers_branch_full_name", "branch_id", "full_name"),
        Index("ix_customers_branch_name_pinyin", "branch_id", "name_pinyin"),
        Index("ix_customers_branch_name_initials", "branch_id", "name_initials"),
        *(_given_only(column) for column in ("phone_last4", "id_number_last4", "card_last4", "card_index")),
    )

    id: Mapped[str] = mapped_column(IdString, primary_key=True)
    branch_id: Mapped[str] = mapped_column(IdString, ForeignKey("branches.id"))
    family_name: Mapped[str] = mapped_column(String(20))
    given_name: Mapped[str] = mapped_column(String(40), default="")
    full_name: Mapped[str] = mapped_column(_binary(60))
    name_pinyin: Mapped[str] = mapped_column(_binary(120))
    name_initials: Mapped[str] = mapped_column(_binary(40))
    salutation: Mapped[Salutation] = mapped_column(code_enum(Salutation, "salutation"), default=Salutation.NONE)
    honorific: Mapped[str | None] = mapped_column(String(20))  # a title such as 张总, when known
    tier: Mapped[Tier] = mapped_column(code_enum(Tier, "tier"), default=Tier.ORDINARY)
    assigned_account_manager_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    preferred_language: Mapped[str | None] = mapped_column(String(8))
    needs: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(20), default="walk_in")

    # Personal numbers: encrypted copy, keyed hash for exact look-up, last four and masked form for display.
    phone_cipher: Mapped[str | None] = mapped_column(Text)
    phone_index: Mapped[str | None] = mapped_column(String(64))
    phone_last4: Mapped[str | None] = mapped_column(String(4))
    phone_masked: Mapped[str | None] = mapped_column(String(16))
    id_number_cipher: Mapped[str | None] = mapped_column(Text)
    id_number_index: Mapped[str | None] = mapped_column(String(64))
    id_number_last4: Mapped[str | None] = mapped_column(String(4))
    id_number_masked: Mapped[str | None] = mapped_column(String(20))
    card_index: Mapped[str | None] = mapped_column(String(64))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    card_masked: Mapped[str | None] = mapped_column(String(24))
    # The PII key the ciphers and indexes were made with (null: before keys had ids); rekey.py moves rows on.
    pii_key_id: Mapped[str | None] = mapped_column(String(16), index=True)

    consent_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_marketing: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_recorded_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))

    created_by_id: Mapped[str | None] = mapped_column(IdString, ForeignKey("users.id"))
    last_visit_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the staff first saw a potential VIP in them (the reports' "potential VIPs found").
    found_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # Personal data removed (PIPL erasure or retention); the row stays so that visits keep being counted.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    account_manager: Mapped[User | None] = relationship(foreign_keys=[assigned_account_manager_id])
    consent_recorded_by: Mapped[User | None] = relationship(foreign_keys=[consent_recorded_by_id])

    @validates("tier")
    def _note_found(self, _key: str, tier: Tier) -> Tier:
        if tier != Tier.ORDINARY and self.found_at is None:
            self.found_at = utcnow()
        return tier
