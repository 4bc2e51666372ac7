"""A live server in a thread and one headless Debian Chromium per test process (Playwright, no download)."""

from __future__ import annotations

import os
import shutil
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from server import create_app
from server.auth import service as accounts
from server.branches import service as branches
from server.config import TestConfig
from server.extensions import db

CHROMIUM = os.environ.get("LOBBYPAD_CHROMIUM", "/usr/bin/chromium")
# The machine's network is closed: keep Chromium from calling home at every start.
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.slow)
            item.add_marker(pytest.mark.xdist_group("browser"))  # one worker, one browser


@dataclass
class LiveServer:
    app: object
    url: str
    writes: list  # (method, path) of every write the server received, from pages and service workers alike


def _recording_writes(wsgi_app, writes: list):
    """The server's own count of the writes it receives: a browser's request events miss a service
    worker's, and the question is what reached the server."""

    def app(environ, start_response):
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD", "OPTIONS"):
            writes.append((environ["REQUEST_METHOD"], environ["PATH_INFO"]))
        return wsgi_app(environ, start_response)

    return app


@pytest.fixture(scope="session")
def chromium_path():
    if shutil.which(CHROMIUM) or os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.environ.get("CI") == "true":
        pytest.fail(f"Chromium is required under CI and is missing at {CHROMIUM} (apt-get install chromium)")
    pytest.skip(f"Chromium not found at {CHROMIUM}; install Debian's chromium or set LOBBYPAD_CHROMIUM")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("live")
    app = create_app(
        TestConfig(
            f"sqlite:///{tmp / 'live.sqlite'}",
            instance_path=tmp / "instance",
            LOGIN_LIMIT_PER_ADDRESS="1000 per minute",
        )
    )
    with app.app_context():
        db.create_all()
        branches.create_branch("LIVE", "Live Branch")
        db.session.commit()
    writes: list = []
    app.wsgi_app = _recording_writes(app.wsgi_app, writes)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", writes)
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def new_staff(live_server):
    """new_staff() → (username, password) of a fresh lobby manager of the live branch."""

    def make():
        counter = getattr(live_server, "counter", 0) + 1
        live_server.counter = counter
        username = f"lm{counter}"
        with live_server.app.app_context():
            accounts.create_user(
                username=username,
                display_name=f"王芳 {counter}",
                role="lobby_manager",
                branch=branches.get_branch_by_code("LIVE"),
                password="browser-password",
            )
            db.session.commit()
        return username, "browser-password"

    return make


@pytest.fixture
def staff(new_staff):
    """A fresh lobby manager of the live branch for each test (so tests share no device or server state)."""
    return new_staff()


@pytest.fixture(scope="session")
def playwright_instance():
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    browser = playwright_instance.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def new_context(browser, live_server):
    contexts = []

    def make(locale: str = "en-US"):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=PHONE,
            locale=locale,
            service_workers="allow",
            is_mobile=True,
            has_touch=True,
        )
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def _sign_in(page, username: str, password: str) -> None:
    """Sign in through the form and wait until the shell has started and the worker controls the page."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/")  # not "/login?next=/", which also ends in "/"
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


@pytest.fixture
def sign_in():
    return _sign_in


@pytest.fixture
def shell(page, staff):
    """A phone-sized page signed in as a fresh lobby manager, with the service worker in control."""
    _sign_in(page, *staff)
    return page


@pytest.fixture
def persistent_context(playwright_instance, chromium_path, live_server, tmp_path):
    """A non-incognito profile: Chromium's installability check reports `in-incognito` otherwise."""
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"),
        executable_path=chromium_path,
        headless=True,
        args=CHROMIUM_ARGS,
        base_url=live_server.url,
        viewport=PHONE,
        locale="en-US",
    )
    yield context
    context.close()
