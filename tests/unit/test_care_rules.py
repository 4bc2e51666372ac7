"""Care rules at and around each threshold, with the clock in the test's hands (no sleeping)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from server.auth.models import User
from server.branches import service as branches
from server.branches.models import Branch
from server.care import scheduling
from server.care.models import CareKind, CareStatus, CareTask, SkipReason
from server.common.clock import utcnow
from server.common.types import new_id
from server.customers.models import Tier
from server.extensions import db
from server.floor import service as floor
from server.floor.codes import BusinessType, Channel, EventType, Flag, VisitSource
from server.notifications.models import Notification

MIN = timedelta(minutes=1)
SEC = timedelta(seconds=1)


@pytest.fixture
def lobby(app, make_user):
    """A branch with two lobby managers (one on duty, English), one off duty, a supervisor and an account manager."""
    people = {
        name: make_user(role, username=name)
        for name, role in (
            ("onduty", "lobby_manager"),
            ("onduty.en", "lobby_manager"),
            ("offduty", "lobby_manager"),
            ("boss", "supervisor"),
            ("manager", "account_manager"),
        )
    }
    with app.app_context():
        for name in ("onduty", "onduty.en", "manager"):
            db.session.get(User, people[name].id).on_duty = True
        db.session.get(User, people["onduty.en"].id).preferred_locale = "en"
        db.session.commit()
    with app.test_request_context():
        yield Lobby(people)


class Lobby:
    """Arrivals and steps at times the test chooses; T0 lies hours back so every instant is in the past."""

    def __init__(self, people):
        self.people = people
        self.t0 = utcnow().replace(microsecond=0) - timedelta(hours=3)
        self.tickets = iter(range(1, 1000))

    @property
    def branch(self) -> Branch:
        return db.session.get(Branch, db.session.get(User, self.people["boss"].id).branch_id)

    def arrive(self, after=timedelta(0), *, business=BusinessType.DEPOSIT, amount=None, tier=Tier.ORDINARY, flags=()):
        at = self.t0 + after
        visit, _triage = floor.new_visit(
            self.branch,
            ticket=f"A{next(self.tickets):03d}",
            business=business,
            amount=amount,
            customer=None,
            flags=[Flag(f) for f in flags],
            arrived_at=at,
            source=VisitSource.MANUAL,
            actor=None,
        )
        visit.id, visit.payload_hash, visit.tier = new_id(), "test", tier
        db.session.add(visit)
        db.session.flush()
        scheduling.visit_arrived(visit, self.branch.settings, at)
        db.session.commit()
        return visit

    def step(self, visit, kind: EventType, after: timedelta, actor: str | None = None):
        user = db.session.get(User, self.people[actor].id) if actor else None
        floor.record_step(visit, kind, when=self.t0 + after, actor=user)
        db.session.commit()

    def sweep(self, after: timedelta) -> int:
        done = scheduling.sweep(self.t0 + after)
        db.session.commit()
        return done

    def tasks(self, visit=None, status=None) -> list[CareTask]:
        stmt = select(CareTask).order_by(CareTask.due_at, CareTask.round)
        if visit is not None:
            stmt = stmt.where(CareTask.visit_id == visit.id)
        if status is not None:
            stmt = stmt.where(CareTask.status == status)
        return list(db.session.scalars(stmt))

    def told(self, kind: str | None = None) -> list[tuple[str, str]]:
        """(recipient's username, title) of every notification raised, oldest first."""
        stmt = select(Notification).order_by(Notification.created_at, Notification.id)
        if kind:
            stmt = stmt.where(Notification.kind == kind)
        return [(db.session.get(User, n.recipient_id).username, n.payload["title"]) for n in db.session.scalars(stmt)]

    def settings(self, **changes):
        boss = db.session.get(User, self.people["boss"].id)
        branches.update_settings(self.branch, changes, boss)
        db.session.commit()


def test_waiting_care_opens_at_the_tolerance_not_a_second_before(lobby):
    visit = lobby.arrive()
    assert lobby.sweep(15 * MIN - SEC) == 0
    assert [t.status for t in lobby.tasks(visit)] == [CareStatus.SCHEDULED]
    assert lobby.told() == []
    assert lobby.sweep(15 * MIN) == 1
    task = lobby.tasks(visit)[0]
    assert (task.kind, task.status, task.due_at) == (CareKind.WAIT_CARE, CareStatus.OPEN, lobby.t0 + 15 * MIN)
    # Only the lobby managers on duty, each in their own language; not the one off duty, the supervisor or the AM.
    assert sorted(lobby.told("wait.care")) == [
        ("onduty", "A001 存款 已等 15 分钟，前面 0 位"),
        ("onduty.en", "A001 Deposit has waited 15 min, 0 ahead"),
    ]
    assert lobby.sweep(15 * MIN + 10 * SEC) == 0  # opened once


def test_the_branch_group_reads_chinese_and_only_branches_with_a_group_word_it(app, lobby):
    lobby.arrive()
    lobby.sweep(15 * MIN)
    assert {n.group_text for n in db.session.scalars(select(Notification))} == {None}  # no group: not worded

    app.config.update(WECOM_ALLOWED_ORIGINS=("https://robot.test",))
    branches.set_wecom_webhook(lobby.branch, "https://robot.test/cgi-bin/webhook/send?key=k")
    lobby.settings(notification_channels=["webpush", "live", "wecom"])
    lobby.sweep(25 * MIN)  # the first reminder
    texts = sorted(
        n.group_text
        for n in db.session.scalars(
            select(Notification).where(Notification.kind == "wait.care", Notification.group_text.is_not(None))
        )
    )
    assert [t.split("\n")[0] for t in texts] == [
        "onduty.en：仍在等待：A001 存款 已等 25 分钟，前面 0 位",
        "onduty：仍在等待：A001 存款 已等 25 分钟，前面 0 位",
    ]


def test_people_ahead_in_the_same_channel_are_counted(lobby):
    lobby.arrive()
    lobby.arrive(MIN)
    third = lobby.arrive(2 * MIN)
    lobby.sweep(17 * MIN)
    titles = [title for user, title in lobby.told("wait.care") if user == "onduty"]
    assert "A003 存款 已等 15 分钟，前面 2 位" in titles
    assert lobby.tasks(third)[0].status == CareStatus.OPEN


def test_reminders_every_interval_while_still_waiting_and_nobody_cared(lobby):
    visit = lobby.arrive()
    lobby.sweep(15 * MIN)
    assert lobby.sweep(25 * MIN - SEC) == 0
    assert lobby.sweep(25 * MIN) == 1
    task = lobby.tasks(visit)[0]
    assert task.reminders == 1 and task.next_reminder_at == lobby.t0 + 35 * MIN
    assert ("onduty", "仍在等待：A001 存款 已等 25 分钟，前面 0 位") in lobby.told("wait.care")
    lobby.sweep(34 * MIN)  # the supervisor's alert at 30, not a reminder
    assert lobby.tasks(visit)[0].reminders == 1
    lobby.sweep(35 * MIN + 20 * SEC)  # a sweep a little late does not move the cadence
    task = lobby.tasks(visit)[0]
    assert task.reminders == 2 and task.next_reminder_at == lobby.t0 + 45 * MIN
    assert len([1 for user, _title in lobby.told("wait.care") if user == "onduty"]) == 3


def test_the_supervisor_hears_of_a_wait_past_twice_the_tolerance_once(lobby):
    lobby.arrive()
    lobby.sweep(15 * MIN)
    lobby.sweep(30 * MIN - SEC)
    assert lobby.told("wait.long") == []
    lobby.sweep(30 * MIN)
    assert [user for user, _title in lobby.told("wait.long")] == ["boss"]
    assert lobby.told("wait.long")[0][1] == "等候过久：A001 存款 已等 30 分钟，前面 0 位"
    lobby.sweep(31 * MIN)
    lobby.sweep(60 * MIN)
    assert len(lobby.told("wait.long")) == 1


def test_no_task_for_a_visit_served_or_called_before_its_due_time(lobby):
    served, called = lobby.arrive(), lobby.arrive()
    lobby.step(served, EventType.SERVED, 10 * MIN)
    lobby.step(called, EventType.CALLED, 14 * MIN)
    assert lobby.sweep(40 * MIN) == 0
    assert lobby.tasks() == [] and lobby.told() == []


def test_care_given_before_the_tolerance_moves_the_next_care_on(lobby):
    visit = lobby.arrive()
    lobby.step(visit, EventType.CARE, 12 * MIN, actor="onduty")
    assert lobby.sweep(21 * MIN) == 0
    assert lobby.sweep(22 * MIN) == 1  # 10 minutes after the care, not 15 after the arrival
    assert lobby.tasks(visit)[0].status == CareStatus.OPEN


def test_care_given_closes_the_task_and_the_next_round_comes_if_they_still_wait(lobby):
    visit = lobby.arrive()
    lobby.sweep(15 * MIN)
    lobby.step(visit, EventType.CARE, 17 * MIN, actor="onduty")
    first = lobby.tasks(visit)[0]
    assert (first.status, first.done_at, first.next_reminder_at) == (CareStatus.DONE, lobby.t0 + 17 * MIN, None)
    assert lobby.sweep(26 * MIN) == 0
    assert lobby.sweep(27 * MIN) == 1
    second = lobby.tasks(visit)[1]
    assert (second.round, second.status, second.due_at) == (2, CareStatus.OPEN, lobby.t0 + 27 * MIN)
    assert ("onduty", "仍在等待：A001 存款 已等 27 分钟，前面 0 位") in lobby.told("wait.care")


def test_an_open_task_is_withdrawn_when_the_customer_is_called(lobby):
    visit = lobby.arrive()
    lobby.sweep(15 * MIN)
    lobby.step(visit, EventType.CALLED, 16 * MIN)
    task = lobby.tasks(visit)[0]
    assert (task.status, task.skip_reason, task.next_reminder_at, task.alert_at) == (
        CareStatus.SKIPPED,
        SkipReason.VISIT_MOVED_ON,
        None,
        None,
    )
    assert lobby.sweep(45 * MIN) == 0 and lobby.told("wait.long") == []


def test_a_vip_not_served_at_once_goes_to_the_lounge(lobby):
    vip = lobby.arrive(tier=Tier.VIP)
    lounge = [t for t in lobby.tasks(vip) if t.kind == CareKind.VIP_LOUNGE]
    assert [t.status for t in lounge] == [CareStatus.OPEN]  # default 0 minutes: at once
    assert any("贵宾" in title for _user, title in lobby.told("care.accompany"))


def test_the_lounge_after_a_set_time_unless_served_first(lobby):
    lobby.settings(vip_lounge_minutes=5)
    waits, served = lobby.arrive(tier=Tier.VIP), lobby.arrive(tier=Tier.VIP)
    lobby.step(served, EventType.SERVING, 4 * MIN)
    lobby.sweep(5 * MIN - SEC)
    assert [t.kind for t in lobby.tasks(status=CareStatus.OPEN)] == []
    lobby.sweep(5 * MIN)
    assert [(t.visit_id, t.kind) for t in lobby.tasks(status=CareStatus.OPEN)] == [(waits.id, CareKind.VIP_LOUNGE)]


def test_green_channel_flags_mean_accompany_now(lobby):
    elderly, pregnant = lobby.arrive(flags=("elderly",)), lobby.arrive(flags=("pregnant",))
    assert [(t.kind, t.status) for t in lobby.tasks(elderly) if t.kind != CareKind.WAIT_CARE] == [
        (CareKind.GREEN_CHANNEL, CareStatus.OPEN)
    ]
    assert [t.kind for t in lobby.tasks(pregnant)] == [CareKind.WAIT_CARE]  # not a green-channel flag by default
    assert ("onduty.en", "Green channel: A001 (Elderly) — accompany now") in lobby.told("care.accompany")


def test_a_vip_served_is_seen_off_and_one_who_left_is_not(lobby):
    served, left, ordinary = lobby.arrive(tier=Tier.VIP), lobby.arrive(tier=Tier.VIP), lobby.arrive()
    lobby.step(served, EventType.SERVED, 8 * MIN)
    lobby.step(left, EventType.LEFT, 8 * MIN)
    lobby.step(ordinary, EventType.SERVED, 8 * MIN)
    see_off = [t for t in lobby.tasks(status=CareStatus.OPEN) if t.kind == CareKind.VIP_SEE_OFF]
    assert [(t.visit_id, t.due_at) for t in see_off] == [(served.id, lobby.t0 + 8 * MIN)]
    # The lounge task of the VIPs closed with their visits.
    assert {t.status for t in lobby.tasks() if t.kind == CareKind.VIP_LOUNGE} == {CareStatus.SKIPPED}


def test_care_given_offline_that_arrives_after_a_later_step_still_closes_the_task(lobby):
    """Care given at 17 min on a phone offline; another phone moved the customer to the counter at 18 min
    before it arrived: the care still closes the waiting-care task, at the time it was given."""
    visit = lobby.arrive()
    lobby.sweep(16 * MIN)
    floor.record_step(visit, EventType.REROUTED, when=lobby.t0 + 18 * MIN, actor=None, channel=Channel.COUNTER)
    db.session.commit()
    lobby.step(visit, EventType.CARE, 17 * MIN, actor="onduty")
    [task] = [t for t in lobby.tasks(visit) if t.round == 1]
    assert (task.status, task.done_at) == (CareStatus.DONE, lobby.t0 + 17 * MIN)


def test_a_vip_served_step_that_arrives_after_the_escort_out_raises_no_see_off(lobby):
    """Phone A marked the VIP served offline at 5 min; phone B recorded the escort to the car at 8 min before
    A's step arrived: they have been seen off, so nobody is asked to see them off again."""
    visit = lobby.arrive(tier=Tier.VIP)
    lobby.step(visit, EventType.SERVING, 2 * MIN, actor="onduty")
    lobby.step(visit, EventType.ESCORTED, 8 * MIN, actor="onduty.en")
    lobby.step(visit, EventType.SERVED, 5 * MIN, actor="onduty")
    assert [t for t in lobby.tasks(visit) if t.kind == CareKind.VIP_SEE_OFF] == []
    assert [title for _who, title in lobby.told("care.accompany") if "送别" in title or "See off" in title] == []


@pytest.mark.parametrize(
    ("business", "amount", "escort"),
    [
        (BusinessType.WITHDRAWAL, Decimal(50000), True),
        (BusinessType.WITHDRAWAL, Decimal("49999.99"), False),
        (BusinessType.DEPOSIT, Decimal(80000), False),
        (BusinessType.WITHDRAWAL, None, False),
    ],
)
def test_a_large_withdrawal_served_needs_an_escort(lobby, business, amount, escort):
    visit = lobby.arrive(business=business, amount=amount)
    lobby.step(visit, EventType.SERVED, 6 * MIN)
    kinds = [t.kind for t in lobby.tasks(visit, CareStatus.OPEN)]
    assert kinds == ([CareKind.CASH_ESCORT] if escort else [])
    if escort:
        assert ("onduty", "大额取现护送：A001 取款 ¥50,000") in lobby.told("escort.due")


def test_settings_changes_take_effect_for_who_is_waiting_now(lobby):
    visit = lobby.arrive()
    lobby.settings(wait_tolerance_minutes=20, cash_escort_threshold=30000)
    assert lobby.sweep(19 * MIN) == 0
    assert lobby.sweep(20 * MIN) == 1
    assert lobby.sweep(39 * MIN) == 1  # a reminder (20 + 10 + 10 … at 30 and 40): only the one at 30 so far
    assert lobby.told("wait.long") == []
    lobby.sweep(40 * MIN)
    assert len(lobby.told("wait.long")) == 1
    withdrawal = lobby.arrive(business=BusinessType.WITHDRAWAL, amount=Decimal(40000))
    lobby.step(withdrawal, EventType.SERVED, 3 * MIN)
    assert [t.kind for t in lobby.tasks(withdrawal, CareStatus.OPEN)] == [CareKind.CASH_ESCORT]
    assert lobby.tasks(visit)[0].kind == CareKind.WAIT_CARE


def test_with_no_lobby_manager_on_duty_the_supervisor_is_told(lobby):
    for name in ("onduty", "onduty.en"):
        db.session.get(User, lobby.people[name].id).on_duty = False
    db.session.commit()
    lobby.arrive()
    lobby.sweep(15 * MIN)
    assert [user for user, _title in lobby.told("wait.care")] == ["boss"]


def test_a_visit_left_open_since_yesterday_is_closed_quietly(lobby):
    visit = lobby.arrive()
    assert lobby.sweep(13 * 60 * MIN) == 0
    assert lobby.tasks(visit)[0].status == CareStatus.SKIPPED and lobby.told() == []
