"""Follow-ups are due N working days later at the branch, weekends skipped."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from server.common.clock import add_business_days

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    "start, days, due",
    [
        ("2026-11-19 10:00", 1, "2026-11-20 10:00"),  # Thursday → Friday
        ("2026-11-20 10:00", 1, "2026-11-23 10:00"),  # Friday → Monday
        ("2026-11-21 15:30", 1, "2026-11-23 15:30"),  # Saturday → Monday
        ("2026-11-22 23:59", 1, "2026-11-23 23:59"),  # Sunday → Monday
        ("2026-11-20 10:00", 3, "2026-11-25 10:00"),  # Friday + 3 → Wednesday
        ("2026-11-20 07:30", 1, "2026-11-23 07:30"),  # early Friday local, still Thursday in UTC
    ],
)
def test_business_days_count_in_the_branch_time_zone(start, days, due):
    local = datetime.strptime(start, "%Y-%m-%d %H:%M").replace(tzinfo=SHANGHAI)
    result = add_business_days(local.astimezone(UTC), days, "Asia/Shanghai")
    assert result.tzinfo is not None and result.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") == due
