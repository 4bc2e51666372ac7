"""What a branch starts with: its usual equipment and the checklists of domain.md, made on first use."""

from __future__ import annotations

from sqlalchemy import select

from server.branches.models import Branch
from server.checks.codes import AssetKind, Category, Phase
from server.checks.models import Asset, ChecklistTemplate, TemplateItem
from server.common.locking import lock
from server.extensions import db

ASSETS = (
    (AssetKind.QUEUE_MACHINE, 0),
    (AssetKind.ATM, 1),
    (AssetKind.ATM, 2),
    (AssetKind.SMART_TELLER, 0),
    (AssetKind.LED_BOARD, 0),
    (AssetKind.HOTLINE_PHONE, 0),
    (AssetKind.WATER_DISPENSER, 0),
)
E, M, V, S = Category.EQUIPMENT, Category.MATERIALS, Category.ENVIRONMENT, Category.SAFETY
# (code, category, the asset it is about): one line per machine, so a fault names the machine.
CHECKLISTS: dict[Phase, tuple[tuple[str, Category, tuple[AssetKind, int] | None], ...]] = {
    Phase.BEFORE_OPENING: (
        ("queue_machine", E, (AssetKind.QUEUE_MACHINE, 0)),
        ("atm", E, (AssetKind.ATM, 1)),
        ("atm", E, (AssetKind.ATM, 2)),
        ("smart_teller", E, (AssetKind.SMART_TELLER, 0)),
        ("led_board", E, (AssetKind.LED_BOARD, 0)),
        ("hotline_phone", E, (AssetKind.HOTLINE_PHONE, 0)),
        ("water_dispenser", E, (AssetKind.WATER_DISPENSER, 0)),
        ("form_desk", M, None),
        ("sample_forms", M, None),
        ("reading_glasses", M, None),
        ("brochures", M, None),
        ("notice_board", M, None),
        ("comment_book", M, None),
        ("lm_folder", M, None),
        ("cleanliness", V, None),
        ("lights", V, None),
        ("seats", V, None),
        ("fire_equipment", S, None),
    ),
    Phase.AFTER_CLOSING: (
        ("switch_off_queue_machine", E, (AssetKind.QUEUE_MACHINE, 0)),
        ("switch_off_led_board", E, (AssetKind.LED_BOARD, 0)),
        ("switch_off_water_dispenser", E, (AssetKind.WATER_DISPENSER, 0)),
        ("switch_off_pcs", E, None),
        ("refill_forms", M, None),
        ("posters", M, None),
        ("light_boxes", V, None),
        ("read_comment_book", M, None),
        ("write_work_log", M, None),
        ("archive_complaints", M, None),
    ),
}


def ensure_seeded(branch: Branch) -> None:
    """Give a branch that has no equipment yet the usual equipment and the two checklists (once: locked)."""
    if db.session.scalar(select(Asset.id).where(Asset.branch_id == branch.id).limit(1)) is not None:
        return
    lock(branch)
    if db.session.scalar(select(Asset.id).where(Asset.branch_id == branch.id).limit(1)) is not None:
        return
    assets = {(kind, number): Asset(branch_id=branch.id, kind=kind, number=number) for kind, number in ASSETS}
    db.session.add_all(assets.values())
    for phase, lines in CHECKLISTS.items():
        template = ChecklistTemplate(branch_id=branch.id, phase=phase.value, version=1, current=True)
        template.items = [
            TemplateItem(position=i, code=code, category=category, asset=assets[asset] if asset else None)
            for i, (code, category, asset) in enumerate(lines)
        ]
        db.session.add(template)
    db.session.flush()
