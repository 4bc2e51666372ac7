"""Personal numbers: validation at the edge, normal forms for the blind index, and masked display."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers
from flask_babel import gettext as _
from stdnum import luhn
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError


class InvalidNumber(ValueError):
    """The message is shown to the user next to the field."""


@dataclass(frozen=True)
class Protected:
    """What is kept of a personal number: the value to encrypt and index, its last four, its masked form."""

    normalized: str
    last4: str
    masked: str


def protect_phone(raw: str) -> Protected:
    """A mainland China mobile number (+86 optional) → 13812345678 / 138****5678."""
    try:
        number = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise InvalidNumber(_("Not a phone number.")) from None
    national = str(number.national_number)
    if (
        number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise InvalidNumber(_("Not a valid mainland China mobile number (11 digits, starting with 1)."))
    return Protected(national, national[-4:], f"{national[:3]}****{national[-4:]}")


def protect_id_number(raw: str) -> Protected:
    """An 18-character resident identity card number with a valid check digit → 1101**********1234."""
    try:
        number = ric.validate(raw)
    except StdnumError:
        raise InvalidNumber(
            _("Not a valid resident ID number (18 characters; the check digit does not match).")
        ) from None
    if len(number) != 18:
        raise InvalidNumber(_("Only 18-character resident ID numbers are accepted."))
    return Protected(number, number[-4:], f"{number[:4]}{'*' * 10}{number[-4:]}")


def protect_card_number(raw: str) -> Protected:
    """A bank card number (16–19 digits, Luhn) → 6222 **** **** 1234."""
    digits = re.sub(r"[\s-]", "", raw or "")
    if not re.fullmatch(r"\d{16,19}", digits) or not luhn.is_valid(digits):
        raise InvalidNumber(_("Not a valid bank card number (16–19 digits)."))
    return Protected(digits, digits[-4:], f"{digits[:4]} **** **** {digits[-4:]}")


PROTECTORS = {"phone": protect_phone, "id_number": protect_id_number, "card_number": protect_card_number}
