"""Realistic demo data: Chinese customers with valid phones and ID numbers, and a morning of visits.

Used by `seed-demo` (2,000 customers) and by the benchmark generator in bench/ (100,000). Rows go through
the same protection (encryption, blind index, masking) and pinyin keys as records made in the app.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert
from stdnum.iso7064 import mod_11_2

from server.branches.models import Branch
from server.common.clock import utcnow
from server.common.idempotency import fingerprint
from server.common.types import new_id
from server.common.vault import vault
from server.customers.identity import protect_id_number, protect_phone
from server.customers.models import Customer, Salutation, Tier
from server.customers.names import search_keys
from server.extensions import db
from server.floor.codes import BusinessType, Flag, VisitSource, VisitStatus
from server.floor.models import Visit
from server.floor.service import new_visit

# The most common surnames, roughly by frequency (more weight to the first), and a few compound ones.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
COMPOUND_SURNAMES = ("欧阳", "上官", "司马", "诸葛")
GIVEN_CHARS = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬建国建华志强志明海燕雪梅"
    "晓东晓红小山小龙文博浩然子涵欣怡梓萱一诺宇轩思远嘉怡雨桐俊杰婷婷佳琪晨阳"
)
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
)
REGIONS = ("110101", "110102", "110105", "110106", "110108", "310101", "310104", "310105", "310106", "120101")
NEEDS = (
    "关注大额存单利率",
    "有孩子留学换汇需求",
    "咨询养老理财",
    "经营贷款意向",
    "定期到期想续存",
    "偏好稳健型基金",
    "关注保险产品",
    "常办理跨境汇款",
)


def _name(rng: random.Random) -> tuple[str, str]:
    family = (
        rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.01 else SURNAMES[int(rng.triangular(0, len(SURNAMES), 0))]
    )
    given = "".join(rng.choice(GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2, 2))))
    return family, given


def _phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(rng.choice("0123456789") for _ in range(8))


def _id_number(rng: random.Random, male: bool) -> str:
    birth = datetime(1945, 1, 1) + timedelta(days=rng.randrange(0, 60 * 365))
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)  # the 17th digit is odd for men
    body = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{sequence:03d}"
    return body + mod_11_2.calc_check_digit(body)


def customer_rows(
    branch_id: str,
    count: int,
    rng: random.Random,
    created_by: str | None = None,
    account_manager_ids: tuple[str, ...] = (),
    showcase: bool = False,
) -> list[dict]:
    """Rows for a bulk insert into customers; phones and ID numbers are unique within the batch. `showcase`:
    the first is 李小山, a VIP with a phone ending 5678 (the search box's example finds him)."""
    secret = vault()
    now = utcnow()
    rows: list[dict] = []
    phones: set[str] = set()
    id_numbers: set[str] = set()
    while len(rows) < count:
        first = showcase and not rows
        family, given = ("李", "小山") if first else _name(rng)
        phone = protect_phone("13812345678" if first else _phone(rng))
        if phone.normalized in phones:
            continue
        phones.add(phone.normalized)
        male = first or rng.random() < 0.5
        tier = Tier.VIP if first else rng.choices((Tier.ORDINARY, Tier.POTENTIAL, Tier.VIP), (85, 9, 6))[0]
        id_number = protect_id_number(_id_number(rng, male)) if rng.random() < 0.6 else None
        if id_number is not None:
            if id_number.normalized in id_numbers:
                id_number = None  # a rare clash of the generator; this customer simply gave no ID
            else:
                id_numbers.add(id_number.normalized)
        full_pinyin, initials = search_keys(family, given)
        row = {
            "id": new_id(),
            "branch_id": branch_id,
            "family_name": family,
            "given_name": given,
            "full_name": family + given,
            "name_pinyin": full_pinyin,
            "name_initials": initials,
            "salutation": Salutation.MR if male else Salutation.MS,
            "honorific": None,
            "tier": tier,
            "assigned_account_manager_id": rng.choice(account_manager_ids)
            if account_manager_ids and tier != Tier.ORDINARY
            else None,
            "preferred_language": "zh",
            "needs": rng.choice(NEEDS) if tier != Tier.ORDINARY else "",
            "notes": "",
            "source": "import",
            "phone_cipher": secret.encrypt("phone", phone.normalized),
            "phone_index": secret.blind_index("phone", phone.normalized),
            "phone_last4": phone.last4,
            "phone_masked": phone.masked,
            "id_number_cipher": secret.encrypt("id_number", id_number.normalized) if id_number else None,
            "id_number_index": secret.blind_index("id_number", id_number.normalized) if id_number else None,
            "id_number_last4": id_number.last4 if id_number else None,
            "id_number_masked": id_number.masked if id_number else None,
            "card_index": None,
            "pii_key_id": secret.key_id,
            "card_last4": None,
            "card_masked": None,
            "consent_contact": True,
            "consent_marketing": first or rng.random() < 0.4,
            "consent_recorded_at": now,
            "consent_recorded_by_id": created_by,
            "created_by_id": created_by,
            "last_visit_at": now - timedelta(days=rng.randrange(1, 400)) if rng.random() < 0.7 else None,
            "payload_hash": fingerprint(import_batch=branch_id, n=len(rows)),
            "occurred_at": now,
            "received_at": now,
        }
        rows.append(row)
    return rows


def insert_customers(rows: list[dict], batch: int = 5000) -> None:
    for start in range(0, len(rows), batch):
        db.session.execute(insert(Customer), rows[start : start + batch])


BUSINESS_MIX = (
    (BusinessType.WITHDRAWAL, 25),
    (BusinessType.DEPOSIT, 18),
    (BusinessType.TRANSFER, 14),
    (BusinessType.BALANCE_ENQUIRY, 8),
    (BusinessType.CARD_SERVICES, 9),
    (BusinessType.ACCOUNT_OPENING, 6),
    (BusinessType.WEALTH_MANAGEMENT, 8),
    (BusinessType.FX, 4),
    (BusinessType.LOAN_ENQUIRY, 3),
    (BusinessType.CORPORATE, 3),
    (BusinessType.OTHER, 2),
)
AMOUNTS = {
    BusinessType.WITHDRAWAL: (500, 80000),
    BusinessType.DEPOSIT: (1000, 300000),
    BusinessType.TRANSFER: (1000, 120000),
}


def visit_rows(
    branch: Branch,
    customers: list[Customer],
    rng: random.Random,
    *,
    waiting: int,
    done: int,
    now: datetime | None = None,
) -> list[Visit]:
    """A morning's visits: `done` served earlier, `waiting` arrived over the last 25 minutes."""
    now = now or utcnow()
    kinds, weights = zip(*BUSINESS_MIX, strict=True)
    arrivals = sorted(
        [(rng.uniform(30, 180), False) for _ in range(done)] + [(rng.uniform(0.5, 25), True) for _ in range(waiting)],
        reverse=True,
    )
    numbers: dict[str, int] = {}
    visits = []
    for minutes_ago, is_waiting in arrivals:
        business = rng.choices(kinds, weights)[0]
        low_high = AMOUNTS.get(business)
        amount = Decimal(rng.randrange(*low_high) // 100 * 100) if low_high and rng.random() < 0.8 else None
        customer = rng.choice(customers) if customers and rng.random() < 0.55 else None
        flags = [Flag.ELDERLY] if rng.random() < 0.08 else []
        prefix = "V" if customer is not None and customer.tier == Tier.VIP else "A" if business in AMOUNTS else "B"
        numbers[prefix] = numbers.get(prefix, 0) + 1
        visit, _ = new_visit(
            branch,
            ticket=f"{prefix}{numbers[prefix]:03d}",
            business=business,
            amount=amount,
            customer=customer,
            flags=flags,
            arrived_at=now - timedelta(minutes=minutes_ago),
            source=VisitSource.QUEUE_MACHINE if rng.random() < 0.3 else VisitSource.MANUAL,
            actor=None,
        )
        visit.id, visit.payload_hash = new_id(), fingerprint(demo=visit.ticket, branch=branch.id, at=visit.arrived_at)
        if not is_waiting:  # called after a wait and served: the history the wait estimate reads
            visit.status = VisitStatus.DONE
            visit.called_at = visit.serving_at = visit.arrived_at + timedelta(minutes=rng.uniform(1, 15))
            visit.finished_at = min(now, visit.called_at + timedelta(minutes=rng.uniform(4, 20)))
        visits.append(visit)
    return visits
