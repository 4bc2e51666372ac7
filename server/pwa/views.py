"""Serves the service worker (scope "/"), the web app manifest, the offline fallback page and the API's
OpenAPI description."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, send_from_directory

from server.common.openapi import document
from server.pwa.assets import ShellAssets, build_shell_assets

bp = Blueprint("pwa", __name__)


def shell_assets() -> ShellAssets:
    """Computed once per process (every request in debug, so edits show up at once)."""
    cached = current_app.extensions.get("lobbypad_shell_assets")
    if cached is None or current_app.debug:
        root = Path(current_app.root_path)
        cached = build_shell_assets(
            Path(current_app.config["STATIC_FOLDER"]),
            current_app.config["SERVICE_WORKER_FILE"],
            root / "templates",
            root / "translations",
        )
        current_app.extensions["lobbypad_shell_assets"] = cached
    return cached


@bp.get("/service-worker.js")
def service_worker():
    """The service worker with its version and precache list filled in; never cached by HTTP."""
    assets = shell_assets()
    source = current_app.config["SERVICE_WORKER_FILE"].read_text(encoding="utf-8")
    source = source.replace('"__VERSION__"', json.dumps(assets.version)).replace(
        "[/*__PRECACHE__*/]", json.dumps(list(assets.urls))
    )
    response = Response(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest."""
    response = send_from_directory(
        current_app.config["STATIC_FOLDER"], "manifest.webmanifest", mimetype="application/manifest+json"
    )
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/api/v1/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of /api/v1 (generated from the routes and their schemas)."""
    return jsonify(document(current_app))


@bp.get("/offline")
def offline():
    """Shown by the service worker when a page is not in the cache and the network is down."""
    return render_template("pwa/offline.html")
