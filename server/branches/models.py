"""The Branch table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String, Text, update
from sqlalchemy.orm import Mapped, mapped_column

from server.branches.settings import BranchSettings
from server.common.clock import utcnow
from server.common.types import IdString, UTCDateTime, new_id
from server.extensions import Model, db


class Branch(Model):
    __tablename__ = "branches"

    id: Mapped[str] = mapped_column(IdString, primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(64), default="Asia/Shanghai")
    settings_data: Mapped[dict] = mapped_column("settings", JSON, default=dict)
    # The queue-ticket machine's webhook secret, encrypted like personal data; None = tickets entered by hand.
    queue_secret_cipher: Mapped[str | None] = mapped_column(Text)
    # The Enterprise WeChat group robot's webhook URL (it carries the robot's key), encrypted; None = not used.
    wecom_webhook_cipher: Mapped[str | None] = mapped_column(Text)
    # Bumped (atomically, in the same transaction) by every change that shows on the floor board,
    # so that the board can be served from cache until something changes (server/floor/board.py).
    floor_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def settings(self) -> BranchSettings:
        return BranchSettings.model_validate(self.settings_data or {})

    @settings.setter
    def settings(self, value: BranchSettings) -> None:
        self.settings_data = value.model_dump(mode="json")

    def __repr__(self) -> str:
        return f"<Branch {self.code}>"


def touch_floor(*branch_ids: str) -> None:
    """Mark the branches' floor boards as changed (an atomic increment: concurrent changes never share a version)."""
    db.session.execute(
        update(Branch)
        .where(Branch.id.in_(branch_ids))
        .values(floor_version=Branch.floor_version + 1)
        .execution_options(synchronize_session=False)
    )
