"""Text that goes into a CSV a person opens in Excel."""

from __future__ import annotations

# Excel runs a cell that starts with one of these as a formula (CSV injection): such text gets a quote first.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
