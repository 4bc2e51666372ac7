"""create_once: a retried create never makes a second record, and a clash is a conflict."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.auth import service as accounts
from server.branches import service as branches
from server.common.clock import utcnow
from server.common.errors import Conflict
from server.common.idempotency import create_once, fingerprint
from server.extensions import db
from server.worklog import service as worklog
from server.worklog.models import WorkLogEntry


@pytest.fixture
def author(app):
    with app.app_context():
        branch = branches.create_branch("I1", "Idem")
        user = accounts.create_user(
            username="idem", display_name="", role="lobby_manager", branch=branch, password="long-enough-pw"
        )
        db.session.commit()
        return user.id


def test_replay_in_a_later_transaction_returns_the_stored_record(app, author):
    entry_id = str(uuid.uuid4())
    with app.app_context():
        user = accounts.get_user(author)
        _, created = worklog.add_entry(user, entry_id=entry_id, body="note", occurred_at=None)
        db.session.commit()
        assert created
    with app.app_context():
        user = accounts.get_user(author)
        entry, created = worklog.add_entry(user, entry_id=entry_id.upper(), body="note", occurred_at=None)
        assert not created and entry.id == entry_id
        with pytest.raises(Conflict):
            worklog.add_entry(user, entry_id=entry_id, body="changed", occurred_at=None)


@pytest.mark.parametrize("their_body, outcome", [("note", "same"), ("other", "conflict")])
def test_a_concurrent_insert_of_the_same_id_is_resolved(app, author, their_body, outcome):
    """Page and service worker send the same record at once: both look up, find nothing, both insert."""
    entry_id = str(uuid.uuid4())
    with app.app_context():
        user = accounts.get_user(author)
        ours = fingerprint(author=user.id, body="note", occurred_at=None)

        def build_after_the_other_writer_committed():
            with db.engine.begin() as conn:  # a second connection: the other request
                conn.execute(
                    WorkLogEntry.__table__.insert().values(
                        id=entry_id,
                        branch_id=user.branch_id,
                        author_id=user.id,
                        body=their_body,
                        payload_hash=fingerprint(author=user.id, body=their_body, occurred_at=None),
                        occurred_at=utcnow(),
                        received_at=utcnow(),
                    )
                )
            return WorkLogEntry(branch_id=user.branch_id, author_id=user.id, body="note", occurred_at=utcnow())

        if outcome == "same":
            entry, created = create_once(WorkLogEntry, entry_id, ours, build_after_the_other_writer_committed)
            assert not created and entry.id == entry_id and entry.body == "note"
        else:
            with pytest.raises(Conflict):
                create_once(WorkLogEntry, entry_id, ours, build_after_the_other_writer_committed)
        assert db.session.scalar(select(func.count(WorkLogEntry.id))) == 1
