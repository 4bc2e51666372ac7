"""Shapes of the customer API: what may come in (validated at the edge) and the masked view that goes out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, Protocol

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator
from pydantic_core import PydanticCustomError

from server.common.fields import ClientTime, WrittenReason
from server.common.i18n import request_language, resolved
from server.common.types import new_id
from server.customers.identity import PROTECTORS, InvalidNumber
from server.customers.models import Customer, Salutation, Tier
from server.customers.names import family_in_pinyin

UUID_PATTERN = r"^[0-9a-fA-F-]{36}$"
Source = Literal["walk_in", "referral", "queue_machine", "import", "complaint", "other"]


class ConsentIn(BaseModel):
    """Both answers are required: consent is never assumed."""

    model_config = ConfigDict(extra="forbid")
    contact: StrictBool
    marketing: StrictBool


def normal_number(cls, value: str | None, info) -> str | None:
    """A phone, ID or card number in its normal form (the blind index's input), or a field error."""
    if not value:
        return None
    try:
        return PROTECTORS[info.field_name](value).normalized
    except InvalidNumber as e:
        raise PydanticCustomError("invalid_number", str(e)) from None


class CustomerIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(default_factory=new_id, pattern=UUID_PATTERN)
    family_name: str = Field(min_length=1, max_length=20)
    given_name: str = Field("", max_length=40)
    salutation: Salutation = Salutation.NONE
    honorific: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=32)
    id_number: str | None = Field(None, max_length=32)
    card_number: str | None = Field(None, max_length=32)
    tier: Tier = Tier.ORDINARY
    assigned_account_manager_id: str | None = Field(None, pattern=UUID_PATTERN)
    preferred_language: Literal["zh", "en"] | None = None
    needs: str = Field("", max_length=2000)
    notes: str = Field("", max_length=2000)
    source: Source = "walk_in"
    consent: ConsentIn
    occurred_at: ClientTime | None = None

    valid_number = field_validator("phone", "id_number", "card_number")(normal_number)

    @field_validator("honorific")
    @classmethod
    def empty_is_none(cls, value: str | None) -> str | None:
        return value or None


class CustomerPatch(BaseModel):
    """Any of the create fields; a field left out stays as it is, a number given as null is removed. A number
    added or changed comes with the customer's consent, recorded again."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    family_name: str | None = Field(None, min_length=1, max_length=20)
    given_name: str | None = Field(None, max_length=40)
    salutation: Salutation | None = None
    honorific: str | None = Field(None, max_length=20)
    phone: str | None = Field(None, max_length=32)
    id_number: str | None = Field(None, max_length=32)
    card_number: str | None = Field(None, max_length=32)
    tier: Tier | None = None
    assigned_account_manager_id: str | None = Field(None, pattern=UUID_PATTERN)
    preferred_language: Literal["zh", "en"] | None = None
    needs: str | None = Field(None, max_length=2000)
    notes: str | None = Field(None, max_length=2000)
    consent: ConsentIn | None = None
    occurred_at: ClientTime | None = None

    valid_number = field_validator("phone", "id_number", "card_number")(normal_number)

    def changes(self) -> dict:
        """The fields the client sent, with their new values."""
        return {name: getattr(self, name) for name in self.model_fields_set - {"occurred_at"}}


class ErasureIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: WrittenReason = Field(min_length=2, max_length=500)


class RevealIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    field: Literal["phone", "id_number"]
    reason: WrittenReason = Field(min_length=2, max_length=200)


class SearchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    q: str = Field(max_length=200)


ADDRESS = {Salutation.MR: _l("Mr %(family)s"), Salutation.MS: _l("Ms %(family)s")}


class Addressee(Protocol):
    """What greeting a customer needs: a Customer, or the floor board's light copy of one."""

    @property
    def family_name(self) -> str: ...
    @property
    def full_name(self) -> str: ...
    @property
    def salutation(self) -> Salutation: ...
    @property
    def honorific(self) -> str | None: ...


def greeting_name(customer: Addressee, language: str | None = None) -> str:
    """How to address the customer in the current language (or `language`): 李先生 / Mr Li, 张总, or the
    full name."""
    current = request_language()
    language = language or current
    chinese = language == "zh"
    if customer.honorific and (chinese or customer.salutation == Salutation.NONE):
        return customer.honorific
    if customer.salutation in (Salutation.MR, Salutation.MS):
        family = customer.family_name if chinese else family_in_pinyin(customer.family_name)
        if language == current:
            template = resolved(ADDRESS)[customer.salutation]
        else:
            with force_locale(language):
                template = str(ADDRESS[customer.salutation])
        return template % {"family": family}
    return customer.full_name


def greeting_names(customer: Addressee) -> dict[str, str]:
    """The greeting in each language of the app: a phone words a stored customer in the language it shows
    now, not the one it was read in."""
    return {language: greeting_name(customer, language) for language in current_app.config["LANGUAGES"]}


def discreet_name(customer: Addressee) -> str:
    """How to name the customer where others may read (a group chat, a colleague's lock screen): the
    honorific or 李先生, never the full name."""
    if customer.honorific or customer.salutation in (Salutation.MR, Salutation.MS):
        return greeting_name(customer)
    chinese = request_language() == "zh"
    return _("Customer %(family)s", family=customer.family_name if chinese else family_in_pinyin(customer.family_name))


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def customer_out(customer: Customer, matched: str | None = None) -> dict:
    """The masked view: never a full phone, ID or card number."""
    manager = customer.account_manager
    out = {
        "id": customer.id,
        "family_name": customer.family_name,
        "given_name": customer.given_name,
        "full_name": customer.full_name,
        "name_pinyin": customer.name_pinyin,
        "salutation": customer.salutation.value,
        "honorific": customer.honorific,
        "greeting_name": greeting_name(customer),
        "greeting_names": greeting_names(customer),
        "name_initials": customer.name_initials,
        "tier": customer.tier.value,
        "account_manager": {"id": manager.id, "display_name": manager.display_name} if manager else None,
        "preferred_language": customer.preferred_language,
        "phone_masked": customer.phone_masked,
        "id_number_masked": customer.id_number_masked,
        "card_masked": customer.card_masked,
        "last_visit_at": _iso(customer.last_visit_at),
        "needs": customer.needs,
        "notes": customer.notes,
        "source": customer.source,
        "erased": customer.erased_at is not None,
        "consent": {
            "contact": customer.consent_contact,
            "marketing": customer.consent_marketing,
            "recorded_at": _iso(customer.consent_recorded_at),
            "recorded_by": customer.consent_recorded_by.display_name if customer.consent_recorded_by else None,
        },
    }
    if matched:
        out["matched"] = matched
    return out
