"""Flask commands: create-branch, create-user, seed-demo, worker (db is Flask-Migrate's)."""

from __future__ import annotations

import gc
import logging
import random
import signal
import sys
import threading
from datetime import timedelta
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from server import demo
from server.auth import service as accounts
from server.branches import service as branches
from server.campaigns import service as campaigns
from server.cards import service as cards
from server.cards.schemas import BatchIn
from server.care import scheduling as care
from server.checks import faults
from server.checks import runs as check_runs
from server.checks.schemas import FaultActionIn, RunIn, TickIn
from server.common.clock import utcnow
from server.common.errors import DomainError
from server.common.roles import Role
from server.complaints import service as complaints
from server.complaints import steps as complaint_steps
from server.complaints.models import Complaint
from server.complaints.schemas import ActionIn, ComplaintIn
from server.customers.models import Customer, Tier
from server.extensions import db
from server.floor import service as floor
from server.history import Staff, history
from server.incidents import service as incidents
from server.incidents.schemas import IncidentActionIn, IncidentIn, LostItemIn
from server.referrals import service as referrals
from server.referrals.models import Referral
from server.referrals.schemas import ReferralIn
from server.reports import performance
from server.reports.periods import PeriodKind
from server.worker import run_forever

DEMO_BRANCH = ("DEMO", "演示支行 Demo Branch")
# Demo logins are printed for the newcomer; seed-demo refuses to run under the production config.
DEMO_USERS = (
    ("lobby", "王芳 Wang Fang", Role.LOBBY_MANAGER, "lobby-demo-2026"),
    ("manager", "李强 Li Qiang", Role.ACCOUNT_MANAGER, "manager-demo-2026"),
    ("manager2", "赵磊 Zhao Lei", Role.ACCOUNT_MANAGER, "manager2-demo-2026"),
    ("supervisor", "张敏 Zhang Min", Role.SUPERVISOR, "supervisor-demo-2026"),
    ("admin", "系统管理员 Admin", Role.ADMIN, "admin-demo-2026"),
)


def _fail(error: DomainError) -> None:
    details = "; ".join(f"{k}: {v}" for k, v in error.fields.items())
    raise click.ClickException(f"{error.message} {details}".strip())


def demo_floor(branch) -> str | None:
    """Fill the demo branch with customers once, and with visits when nobody is waiting today."""
    rng = random.Random()
    staff = [u for u in accounts.list_users() if u.branch_id == branch.id]
    managers = tuple(u.id for u in staff if u.role == Role.ACCOUNT_MANAGER)
    recorder = next((u.id for u in staff if u.role == Role.LOBBY_MANAGER), None)
    messages = []
    if not db.session.scalar(select(func.count(Customer.id)).where(Customer.branch_id == branch.id)):
        count = current_app.config["DEMO_CUSTOMERS"]
        demo.insert_customers(
            demo.customer_rows(
                branch.id, count, random.Random(2026), created_by=recorder, account_manager_ids=managers, showcase=True
            )
        )
        messages.append(f"{count} demo customers")
    if not floor.floor_board(branch):
        customers = list(db.session.scalars(select(Customer).where(Customer.branch_id == branch.id).limit(300)))
        visits = demo.visit_rows(branch, customers, rng, waiting=12, done=30)
        db.session.add_all(visits)
        db.session.flush()
        now = utcnow()
        with current_app.test_request_context():  # notifications are worded in each recipient's language
            for visit in visits:  # those past the tolerance already have a care task in Tasks
                care.visit_arrived(visit, branch.settings, now)
        messages.append(f"{len(visits)} visits this morning")
    return f"seeded {' and '.join(messages)}" if messages else None


def demo_referrals(branch) -> bool:
    """Account managers on duty, a batch of VIP cards, and two referrals, so the referral screens are alive."""
    staff = {u.username: u for u in accounts.list_users() if u.branch_id == branch.id}
    if db.session.scalar(select(func.count(Referral.id)).where(Referral.branch_id == branch.id)):
        return False
    for username in ("manager", "manager2"):
        accounts.set_duty(staff[username], True)
    lobby = staff["lobby"]
    with current_app.test_request_context():  # the notifications are worded in each recipient's language
        cards.receive_batch(lobby, BatchIn(prefix="VIP", first=1, last=200, width=6))
        customers = list(
            db.session.scalars(
                select(Customer)
                .where(Customer.branch_id == branch.id, Customer.tier != Tier.VIP, Customer.consent_marketing)
                .limit(2)
            )
        )
        _waiting, _ = referrals.create_referral(
            lobby,
            ReferralIn(
                customer_id=customers[0].id,
                reason="定期存款 50 万下周到期，想了解理财",
                urgency="now",
                signals=["large_amount", "wealth_management"],
                location="贵宾室 2",
                account_manager_id=staff["manager"].id,
            ),
        )
        accepted, _ = referrals.create_referral(
            lobby,
            ReferralIn(
                customer_id=customers[1].id,
                reason="咨询外汇汇款",
                urgency="now",
                signals=["fx"],
                location="等候区 B",
                account_manager_id=staff["manager2"].id,
            ),
        )
        db.session.flush()
        referrals.accept(staff["manager2"], accepted.id, 5)
    return True


def demo_records(branch) -> bool:
    """Complaints at each stage, a closed incident and a lost umbrella, so the Complaints tab is alive."""
    if db.session.scalar(select(func.count(Complaint.id)).where(Complaint.branch_id == branch.id)):
        return False
    staff = {u.username: u for u in accounts.list_users() if u.branch_id == branch.id}
    lobby, supervisor, now = staff["lobby"], staff["supervisor"], utcnow()
    board = [row for row in floor.floor_board(branch) if row.visit.status == "waiting"]
    waiting = max(board, key=lambda row: row.waited_minutes).visit if board else None

    def complaint(actor, minutes_ago: int, **fields):
        data = ComplaintIn(received_at=now - timedelta(minutes=minutes_ago), **fields)
        return complaints.capture(actor, data)[0]

    with current_app.test_request_context():  # the notifications are worded in each recipient's language
        complaint(
            lobby,
            4,
            received_via="on_site",
            summary="排队太久没人管，要求加开窗口",
            asks="加开窗口，主管出面解释",
            visit_id=waiting.id if waiting else None,
            arose_at="branch_floor",
            business="rmb_cash",
            cause="service_attitude",
        )
        complaint(
            lobby,
            180,
            received_via="phone",
            summary="电话投诉：信用卡年费未提前告知",
            arose_at="electronic",
            business="bank_cards",
            cause="disclosure",
        )
        complaint(
            supervisor,
            6 * 24 * 60,
            received_via="regulator",
            summary="监管转办：理财产品销售时未做风险评估",
            arose_at="branch_floor",
            business="wealth_agency",
            cause="marketing",
            severity="serious",
        )
        settled = complaint(
            lobby,
            26 * 60,
            received_via="on_site",
            summary="ATM 吞卡后无人处理",
            arose_at="self_service",
            business="bank_cards",
            cause="facilities_systems",
        )
        complaint_steps.act(
            lobby,
            settled.id,
            ActionIn(
                type="close",
                resolution="当场取回卡片并致歉",
                how="in_person",
                customer_response="satisfied",
                root_cause="ATM 读卡器故障",
                fix="已报修并张贴告示",
                valid=True,
            ),
        )
        incident, _ = incidents.report(lobby, IncidentIn(kind="equipment", note="2 号 ATM 吞卡，客户不满"))
        incidents.act(lobby, incident.id, IncidentActionIn(type="apologised"))
        incidents.act(lobby, incident.id, IncidentActionIn(type="close", note="已致歉并引导至柜台，卡片已取回"))
        incidents.record_lost_item(
            lobby, LostItemIn(what="黑色折叠伞", where_found="填单台旁", kept_where="大堂经理柜")
        )
        demo_checks(lobby)
    return True


def demo_checks(lobby) -> None:
    """This morning's checklist, done, with ATM 2 out of cash: reported, so the floor shows its strip."""
    run, _ = check_runs.start_run(lobby, RunIn(phase="before_opening"))
    for item in run.template.items:
        faulty = item.asset is not None and item.asset.kind == "atm" and item.asset.number == 2
        check_runs.tick(
            lobby, run.id, item.id, TickIn(result="fault" if faulty else "ok", note="缺钞" if faulty else None)
        )
    fault = next(tick.fault_id for tick in run.ticks if tick.fault_id)
    faults.act(lobby, fault, FaultActionIn(type="reported", reported_to="运维 王工 139xxxx", vendor_ticket="WX-20481"))


def demo_history(branch) -> bool:
    """The past 6 weeks of the demo branch (once: its targets mark it done): the board, the work log and the
    monthly report have something to show; this month's products and the targets are set."""
    if performance.targets_of(branch.id, PeriodKind.MONTH):
        return False
    staff = {u.username: u for u in accounts.list_users(branch.id)}
    customers = list(db.session.scalars(select(Customer.id).where(Customer.branch_id == branch.id).limit(500)))
    zone = ZoneInfo(branch.timezone)
    today = utcnow().astimezone(zone).date()
    start = today - timedelta(days=42)
    history(
        branch,
        Staff(lobby=[staff["lobby"]], managers=[staff["manager"], staff["manager2"]]),
        customers,
        start,
        (today - start).days,
        160,
    )
    supervisor = staff["supervisor"]
    campaigns.set_products(
        supervisor,
        today.replace(day=1),
        [("薪享理财 30 天", "起购 1 万元，T+1 到账，中低风险"), ("信用卡分期 0 利率", "6 期免息，手续费 0.5%/期")],
    )
    for period, values in (("day", {"referrals_made": 16, "cards_handed_out": 5}), ("month", {"referrals_made": 320})):
        performance.set_targets(supervisor, PeriodKind(period), Role.LOBBY_MANAGER, values)
    performance.set_targets(supervisor, PeriodKind.MONTH, Role.ACCOUNT_MANAGER, {"referrals_converted": 40})
    return True


def register_cli(app: Flask) -> None:
    @app.cli.command("create-branch")
    @click.option("--code", required=True)
    @click.option("--name", required=True)
    @click.option("--timezone", default="Asia/Shanghai", show_default=True)
    def create_branch(code: str, name: str, timezone: str) -> None:
        """Create a branch with the default settings."""
        try:
            branch = branches.create_branch(code, name, timezone)
        except DomainError as e:
            _fail(e)
        db.session.commit()
        click.echo(f"created branch {branch.code} ({branch.id})")

    @app.cli.command("create-user")
    @click.option("--username", required=True)
    @click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
    @click.option("--branch", "branch_code", help="branch code (not needed for admin)")
    @click.option("--display-name", default="")
    @click.option("--password-stdin", is_flag=True, required=True, help="read the password from standard input")
    def create_user(username: str, role: str, branch_code: str | None, display_name: str, password_stdin: bool) -> None:
        """Create a staff account; the password comes on standard input, never on the command line."""
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            branch = branches.get_branch_by_code(branch_code) if branch_code else None
            user = accounts.create_user(
                username=username, display_name=display_name, role=role, branch=branch, password=password
            )
        except DomainError as e:
            _fail(e)
        db.session.commit()
        click.echo(f"created user {user.username} ({user.role.value})")

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Create the demo branch with one account of each role (idempotent) and print the logins."""
        if not current_app.config["SEED_DEMO_ALLOWED"]:
            raise click.ClickException("seed-demo is refused under the production config")
        try:
            branch = branches.get_branch_by_code(DEMO_BRANCH[0])
        except DomainError:
            branch = branches.create_branch(*DEMO_BRANCH)
        existing = {u.username for u in accounts.list_users()}
        for username, name, role, password in DEMO_USERS:
            if username not in existing:
                accounts.create_user(
                    username=username,
                    display_name=name,
                    role=role,
                    branch=None if role == Role.ADMIN else branch,
                    password=password,
                )
        db.session.commit()
        seeded = demo_floor(branch)
        db.session.commit()
        if demo_referrals(branch):
            seeded = f"{seeded}; demo referrals and VIP cards" if seeded else "seeded demo referrals and VIP cards"
        db.session.commit()
        if demo_records(branch):
            seeded = f"{seeded}; demo complaints" if seeded else "seeded demo complaints"
        db.session.commit()
        if demo_history(branch):
            seeded = f"{seeded}; six weeks of history" if seeded else "seeded six weeks of history"
        db.session.commit()
        if seeded:
            click.echo(seeded)
        click.echo("Demo logins (branch DEMO):")
        for username, _name, role, password in DEMO_USERS:
            click.echo(f"  {role.value:<16} {username:<11} {password}")

    @app.cli.command("set-queue-secret")
    @click.option("--branch", "branch_code", required=True)
    def set_queue_secret(branch_code: str) -> None:
        """Give the branch's queue-ticket machine a new webhook secret (printed once; the old one stops working)."""
        try:
            branch = branches.get_branch_by_code(branch_code)
        except DomainError as e:
            _fail(e)
        secret = branches.rotate_queue_secret(branch)
        db.session.commit()
        click.echo(f"queue secret of {branch.code}: {secret}")
        click.echo("Sign each POST /api/v1/queue/events body: X-Lobbypad-Signature: sha256=<hex HMAC-SHA256>")

    @app.cli.command("set-wecom-webhook")
    @click.option("--branch", "branch_code", required=True)
    def set_wecom_webhook(branch_code: str) -> None:
        """Send the branch's notifications to an Enterprise WeChat group too: the robot's webhook URL on
        standard input (it holds the robot's key, so never on the command line); an empty line turns it off."""
        url = sys.stdin.readline().strip()
        try:
            branch = branches.get_branch_by_code(branch_code)
            branches.set_wecom_webhook(branch, url or None)
        except DomainError as e:
            _fail(e)
        db.session.commit()
        click.echo(f"Enterprise WeChat notifications of {branch.code}: {'on' if url else 'off'}")

    @app.cli.command("worker")
    def worker() -> None:
        """Deliver notifications and run the timed sweeps until interrupted."""
        logging.basicConfig(level=logging.INFO, format="%(asctime)s worker %(levelname)s %(message)s")
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        gc.freeze()  # the app's own objects live as long as the worker: its collections need not walk them
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # the app behind the proxy
        run_forever(app, stop)
