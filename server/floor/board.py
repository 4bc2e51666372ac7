"""The floor board as JSON, served from a per-process cache until the floor changes or a minute passes.

Every lobby manager's phone polls the board; rebuilding 300 rows for each poll would cost tens of
milliseconds each time. The cache key is (branch, language) and an entry is valid for one
`Branch.floor_version` (bumped in the transaction of every change that shows on the board) and one
wall-clock minute (waited minutes are whole minutes). A stale entry is never served after a change commits:
the version read with the request is the committed one.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from server.auth import service as accounts
from server.branches.models import Branch
from server.common.events import contributions
from server.common.i18n import request_language
from server.customers.schemas import greeting_name, greeting_names
from server.floor.codes import Channel, VisitStatus
from server.floor.estimate import estimates
from server.floor.events import board_extras, board_rows
from server.floor.schemas import visit_summary
from server.floor.service import BoardRow, businesses_down, floor_board, is_priority

MAX_ENTRIES = 4096  # branches × languages; far above any deployment, bounded all the same
MAX_DESCRIBED_ROWS = 100_000  # a day's open visits of every branch, twice over


@dataclass(frozen=True)
class Rendered:
    stamp: tuple[int, int]
    body: bytes
    etag: str


_cache: dict[tuple[str, str], Rendered] = {}


def rendered_board(branch: Branch, now: datetime) -> Rendered:
    key = (branch.id, request_language())
    stamp = (branch.floor_version, int(now.timestamp() // 60))
    entry = _cache.get(key)
    if entry is None or entry.stamp != stamp:
        body = json.dumps(board_body(branch, now), ensure_ascii=False, separators=(",", ":")).encode()
        entry = Rendered(stamp, body, hashlib.sha256(body).hexdigest()[:32])
        if len(_cache) >= MAX_ENTRIES:
            _cache.clear()
        _cache[key] = entry
    return entry


def board_body(branch: Branch, now: datetime) -> dict:
    rows = floor_board(branch, now)
    settings = branch.settings
    language = request_language()
    added = _added_by_features_above(branch.id, [row.visit.id for row in rows])
    extras: dict = {}
    for fields in contributions(board_extras, branch.id):
        extras.update(fields)
    counts = _counts(rows)
    return {
        **extras,
        "visits": [{**_row(row, language), **added.get(row.visit.id, {})} for row in rows],
        "counts": counts,
        "wait_tolerance_minutes": settings.wait_tolerance_minutes,
        "care_reminder_minutes": settings.care_reminder_minutes,
        "timezone": branch.timezone,
        # None on duty: the floor says so (care notifications go to the supervisor meanwhile).
        "lobby_managers_on_duty": accounts.lobby_managers_on_duty(branch.id),
        # The phone's own triage (offline too) sends these businesses to the counter, as the server does.
        "self_service_down": sorted(businesses_down(branch.id)),
        # Minutes a customer arriving now waits to be called, per channel (None: too little history to say).
        "estimates": estimates(branch.id, now, {Channel(c): n for c, n in counts["by_channel"].items()}),
    }


def _added_by_features_above(branch_id: str, visit_ids: list[str]) -> dict[str, dict]:
    """The fields other features add to the rows (care: `care_tasks`, each open task's {id, kind, due_at})."""
    added: dict[str, dict] = {}
    for fields_by_visit in contributions(board_rows, branch_id, visit_ids=visit_ids):
        for visit_id, fields in fields_by_visit.items():
            added.setdefault(visit_id, {}).update(fields)
    return added


def _row(row: BoardRow, language: str) -> dict:
    return {
        **_described(row, language),
        "waited_minutes": row.waited_minutes,
        "ahead": row.ahead,
        "care_due_at": row.care_due_at.isoformat() if row.care_due_at else None,
        "tolerance_state": row.tolerance_state,
        "priority": is_priority(row.visit.channel, row.visit.status),
    }


# (language, visit id) → (the visit's row as read, its description). A change to the floor usually touches
# one visit: the other rows' names, labels and triage reasons are not worded again.
_described_rows: dict[tuple[str, str], tuple[tuple, dict]] = {}


def _described(row: BoardRow, language: str) -> dict:
    """The part of a board row that depends only on the visit and its customer (not on the clock)."""
    key, seen = (language, row.visit.id), tuple(row.visit)
    cached = _described_rows.get(key)
    if cached is not None and cached[0] == seen:
        return cached[1]
    visit, customer = row.visit, row.customer
    described = {
        **visit_summary(visit),
        "care_given_at": visit.care_given_at.isoformat() if visit.care_given_at else None,
        # Enough for the phone to find today's customers offline the way the server's search does.
        "customer": {
            "id": customer.id,
            "greeting_name": greeting_name(customer),
            "greeting_names": greeting_names(customer),
            "full_name": customer.full_name,
            "name_pinyin": customer.name_pinyin,
            "name_initials": customer.name_initials,
            "tier": customer.tier.value,
        }
        if customer
        else None,
    }
    if len(_described_rows) >= MAX_DESCRIBED_ROWS:
        _described_rows.clear()
    _described_rows[key] = (seen, described)
    return described


def _counts(rows: list[BoardRow]) -> dict:
    by_channel = {channel.value: 0 for channel in Channel}
    waiting = over = 0
    for row in rows:
        if row.visit.status == VisitStatus.WAITING:
            waiting += 1
            by_channel[row.visit.channel.value] += 1
        if row.tolerance_state == "over":
            over += 1
    return {"waiting": waiting, "over_tolerance": over, "by_channel": by_channel}
