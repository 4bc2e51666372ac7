"""No log line of any process holds a phone, ID or card number.

Every record is masked when it is made (a record factory), so that every logger and handler gets the masked
text: the development server's and gunicorn's access logs, the worker, tracebacks of errors. A search by
full number through `GET /customers?q=` still reaches the access log; masked there, it reads 139****5678.
"""

from __future__ import annotations

import logging
import re

# A mainland mobile (11 digits from 13–19), an ID number (18 characters, the last may be X; or the old 15
# digits) and a card number (16–19 digits, perhaps in groups); never part of a longer run of digits.
_NUMBER = re.compile(
    r"(?<!\d)(?:"
    r"(?P<card>\d{4}(?:[ -]?\d{4}){2}[ -]?\d{4,7})"
    r"|(?P<id>\d{17}[\dXx]|\d{15})"
    r"|(?P<phone>(?:\+?86)?1[3-9]\d{9})"
    r")(?!\d)"
)


def _masked(match: re.Match) -> str:
    digits = match.group(0)
    if match.group("phone"):
        return f"{digits[:-8]}****{digits[-4:]}"
    return f"{digits[:4]}****{digits[-4:]}"


def mask_numbers(text: str) -> str:
    return _NUMBER.sub(_masked, text)


class MaskedRecord(logging.LogRecord):
    """A log record whose message and traceback have personal numbers masked."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.exc_info and not self.exc_text:
            self.exc_text = mask_numbers(logging.Formatter().formatException(self.exc_info))
        if self.stack_info:
            self.stack_info = mask_numbers(self.stack_info)

    def getMessage(self) -> str:
        return mask_numbers(super().getMessage())


def install_log_masking() -> None:
    """Idempotent; every process that creates the app (server, worker, gunicorn workers) calls it."""
    if logging.getLogRecordFactory() is not MaskedRecord:
        logging.setLogRecordFactory(MaskedRecord)
