"""The app shell page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from server.cards.labels import CARD_NAMES
from server.cards.policy import can_receive_cards
from server.care.schemas import care_catalog
from server.common.policy import can_reveal
from server.complaints import labels as complaint_labels
from server.floor.labels import BUSINESS_NAMES, CHANNEL_NAMES, FLAG_NAMES
from server.incidents.labels import incident_catalog
from server.referrals.labels import OUTCOME_NAMES, SIGNAL_NAMES
from server.shell.messages import js_catalog
from server.shell.navigation import REFERRAL_BOXES, tabs_for

bp = Blueprint("shell", __name__)


@bp.get("/")
def index():
    """The app shell: the tab bar of the user's role; screens render from the JSON API."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    branch = current_user.branch
    return render_template(
        "shell/app.html",
        tabs=tabs_for(current_user.role),
        js_messages=js_catalog(),
        is_admin=current_user.is_admin,
        timezone=branch.timezone if branch else "Asia/Shanghai",
        can_reveal=can_reveal(current_user),
        business_names=BUSINESS_NAMES,
        flag_names=FLAG_NAMES,
        channel_names=CHANNEL_NAMES,
        care_catalog=care_catalog(),
        referral_boxes=REFERRAL_BOXES,
        signal_names=SIGNAL_NAMES,
        outcome_names=OUTCOME_NAMES,
        card_names=CARD_NAMES,
        can_receive_cards=can_receive_cards(current_user),
        complaint_labels=complaint_labels,
        incident_catalog=incident_catalog(),
    )
