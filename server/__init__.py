"""Lobbypad: the bank branch lobby manager's handheld app."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask_babel import get_locale
from werkzeug.middleware.proxy_fix import ProxyFix

from server import extensions
from server.admin.api import bp as audit_api
from server.admin.views import bp as admin_pages
from server.auth.api import bp as auth_api
from server.auth.locale import select_locale
from server.auth.sessions import load_session_user
from server.auth.views import bp as auth_pages
from server.branches.api import bp as branches_api
from server.campaigns.api import bp as campaigns_api
from server.cards.api import bp as cards_api
from server.care import subscribers as care_subscribers
from server.care.api import bp as care_api
from server.checks import subscribers as checks_subscribers
from server.checks.api import bp as checks_api
from server.cli import register_cli
from server.common.errors import register_error_handlers
from server.common.http import AppRequest
from server.common.logmask import install_log_masking
from server.common.security import content_security_policy, register_security
from server.common.types import render_alembic_item
from server.common.vault import Vault
from server.complaints.api import bp as complaints_api
from server.config import Config, load_config
from server.customers.api import bp as customers_api
from server.database import register_database
from server.floor import subscribers as floor_subscribers
from server.floor.api import bp as floor_api
from server.guides.api import bp as guides_api
from server.incidents.api import bp as incidents_api
from server.notifications import subscribers as notifications_subscribers
from server.notifications.api import bp as notifications_api
from server.push.api import bp as push_api
from server.push.vapid import load_vapid_keys
from server.pwa.views import bp as pwa_pages
from server.referrals import subscribers as referrals_subscribers
from server.referrals.api import bp as referrals_api
from server.reports.api import bp as reports_api
from server.shell.views import bp as shell_pages
from server.shifts.api import bp as shifts_api
from server.sync.api import bp as sync_api
from server.worklog.api import bp as worklog_api

BLUEPRINTS = (
    audit_api,
    auth_api,
    branches_api,
    cards_api,
    care_api,
    complaints_api,
    customers_api,
    floor_api,
    incidents_api,
    checks_api,
    guides_api,
    push_api,
    notifications_api,
    referrals_api,
    sync_api,
    worklog_api,
    reports_api,
    shifts_api,
    campaigns_api,
    auth_pages,
    admin_pages,
    shell_pages,
    pwa_pages,
)


def create_app(config: Config | None = None) -> Flask:
    """Assemble the app: config, extensions, blueprints, error handlers, commands."""
    config = load_config(config)
    install_log_masking()
    app = Flask(
        __name__,
        static_folder=str(config.STATIC_FOLDER),
        static_url_path="/static",
        instance_path=str(config.INSTANCE_PATH),
    )
    app.config.from_object(config)
    app.request_class = AppRequest
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    register_extensions(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_cli(app)
    register_subscribers()
    return app


def register_subscribers() -> None:
    """Features act on the events of the features below them (server/common/events.py). Connecting the same
    receiver again (another app in the same process) changes nothing."""
    notifications_subscribers.subscribe()
    floor_subscribers.subscribe()
    referrals_subscribers.subscribe()
    care_subscribers.subscribe()
    checks_subscribers.subscribe()


def register_extensions(app: Flask) -> None:
    extensions.db.init_app(app)
    register_database(app)
    extensions.migrate.init_app(
        app,
        extensions.db,
        directory=str(app.config["MIGRATIONS_DIR"]),
        render_as_batch=True,
        render_item=render_alembic_item,
        compare_type=True,
    )
    extensions.login_manager.init_app(app)
    extensions.login_manager.user_loader(load_session_user)
    extensions.login_manager.session_protection = app.config["SESSION_PROTECTION"]
    extensions.csrf.init_app(app)
    extensions.babel.init_app(
        app, locale_selector=select_locale, default_translation_directories=str(app.config["TRANSLATIONS_DIR"])
    )
    app.jinja_env.globals["get_locale"] = get_locale
    extensions.limiter.init_app(app)
    extensions.talisman.init_app(
        app,
        force_https=False,  # TLS ends at the reverse proxy; HSTS below tells browsers to stay on HTTPS
        strict_transport_security=app.config["SECURE_COOKIES"],
        session_cookie_secure=app.config["SECURE_COOKIES"],
        content_security_policy=content_security_policy(),
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        permissions_policy={"geolocation": "()", "camera": "()", "microphone": "()"},
    )
    register_security(app)
    app.extensions["lobbypad.vault"] = Vault(app.config["PII_KEY"], app.config["PII_KEYS_PREVIOUS"])
    app.extensions["lobbypad.vapid"] = load_vapid_keys(app.config["VAPID_PRIVATE_KEY"], Path(app.instance_path))
