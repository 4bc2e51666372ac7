"""Notifications of events raised below: the supervisors hear of someone revealing unusually many numbers."""

from __future__ import annotations

from flask_babel import gettext as _

from server.auth.models import User
from server.auth.service import supervisors
from server.common.clock import utcnow
from server.customers import events as customer_events
from server.notifications.service import notify_many, worded


def subscribe() -> None:
    customer_events.reveals_reached_limit.connect(_reveals_reached_limit)


def _reveals_reached_limit(actor: User, *, limit: int) -> None:
    """Once a day per person: who reached the limit, so that a supervisor can ask why."""
    day = utcnow().date().isoformat()
    notify_many(
        [
            worded(
                supervisor,
                "privacy.reveals",
                lambda: (
                    _("Unusual number of full numbers seen"),
                    _("%(name)s has seen %(n)d full numbers in the last hour.", name=actor.display_name, n=limit),
                ),
                url="/#more",
                ref=("user", actor.id),
                dedupe_key=f"privacy.reveals:{actor.id}:{day}:{supervisor.id}",
            )
            for supervisor in supervisors(actor.home_branch.id)
            if supervisor.id != actor.id
        ]
    )
