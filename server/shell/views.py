"""The app shell page."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from server.shell.messages import JS_MESSAGES
from server.shell.navigation import tabs_for

bp = Blueprint("shell", __name__)


@bp.get("/")
def index():
    """The app shell: the tab bar of the user's role; screens render from the JSON API."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    messages = {key: str(text) for key, text in JS_MESSAGES.items()}
    return render_template("shell/app.html", tabs=tabs_for(current_user.role), js_messages=messages,
                           is_admin=current_user.is_admin)
