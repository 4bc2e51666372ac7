"""Shapes of the card API."""

from __future__ import annotations

from flask_babel import gettext as _
from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from server.cards.models import SERIALIZED, CardBatch, CardHandout, CardType
from server.common.types import new_id

UUID_PATTERN = r"^[0-9a-fA-F-]{36}$"

SERIAL_PATTERN = r"^[A-Za-z0-9-]{1,32}$"


class CardIn(BaseModel):
    """The card handed to a customer who had no time (part of a follow-up referral)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    card_type: CardType
    serial: str | None = Field(None, pattern=SERIAL_PATTERN)

    @model_validator(mode="after")
    def serial_when_numbered(self) -> CardIn:
        if self.card_type in SERIALIZED and not self.serial:
            raise PydanticCustomError("serial_required", _("A VIP experience card has a serial number: enter it."))
        if self.card_type not in SERIALIZED:
            self.serial = None
        elif self.serial:
            self.serial = self.serial.upper()
        return self


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    card_type: CardType = CardType.VIP_EXPERIENCE
    prefix: str = Field("", max_length=12, pattern=r"^[A-Za-z-]*$")
    first: int = Field(ge=0, le=99_999_999)
    last: int = Field(ge=0, le=99_999_999)
    width: int = Field(6, ge=1, le=8)

    @model_validator(mode="after")
    def ordered(self) -> BatchIn:
        if self.last < self.first:
            raise PydanticCustomError("batch_order", _("The last number comes before the first."))
        if self.last - self.first >= 10_000:
            raise PydanticCustomError("batch_size", _("At most 10,000 cards in one batch."))
        if len(str(self.last)) > self.width:
            raise PydanticCustomError("batch_width", _("The numbers need more digits than that."))
        self.prefix = self.prefix.upper()
        return self


def batch_out(batch: CardBatch, handed_out: int) -> dict:
    size = batch.last - batch.first + 1
    return {
        "id": batch.id,
        "card_type": batch.card_type.value,
        "first_serial": batch.serial(batch.first),
        "last_serial": batch.serial(batch.last),
        "size": size,
        "handed_out": handed_out,
        "remaining": size - handed_out,
        "received_at": batch.received_at.isoformat(),
        "received_by": batch.received_by.display_name,
    }


def handout_out(handout: CardHandout) -> dict:
    return {
        "id": handout.id,
        "card_type": handout.card_type.value,
        "serial": handout.serial,
        "customer": {"id": handout.customer.id, "full_name": handout.customer.full_name},
        "handed_by": handout.handed_by.display_name,
        "handed_at": handout.handed_at.isoformat(),
        "referral_id": handout.referral_id,
    }
