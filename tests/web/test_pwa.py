"""What makes the app installable: the service worker, its precache list, the manifest, the offline page."""

from __future__ import annotations

import json
import re

from server.config import PROJECT_ROOT
from server.pwa.assets import build_shell_assets


def precache_of(source: str) -> list[str]:
    return json.loads(re.search(r"const PRECACHE = (\[.*?\]);", source).group(1))


def test_service_worker_is_served_at_the_root_with_version_and_precache(client):
    response = client.get("/service-worker.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    source = response.get_data(as_text=True)
    version = re.search(r'const VERSION = "([0-9a-f]{12})";', source).group(1)
    assert "__VERSION__" not in source and "__PRECACHE__" not in source
    assert version


def test_every_precached_url_is_served(client):
    """One 404 in the list makes cache.addAll fail and the worker never installs."""
    urls = precache_of(client.get("/service-worker.js").get_data(as_text=True))
    assert "/offline" in urls and "/static/js/app.js" in urls and "/static/icons/icon-512.png" in urls
    for url in urls:
        response = client.get(url)
        response.close()  # static files are streamed from disk
        assert response.status_code == 200, url


def test_version_changes_when_a_shell_file_changes(tmp_path):
    static = tmp_path / "static"
    (static / "js").mkdir(parents=True)
    (static / "js" / "app.js").write_text("one")
    worker = tmp_path / "sw.js"
    worker.write_text("sw")
    templates = PROJECT_ROOT / "server" / "templates"
    translations = PROJECT_ROOT / "server" / "translations"
    before = build_shell_assets(static, worker, templates, translations).version
    assert build_shell_assets(static, worker, templates, translations).version == before
    (static / "js" / "app.js").write_text("two")
    assert build_shell_assets(static, worker, templates, translations).version != before


def test_manifest_makes_the_app_installable(client):
    response = client.get("/manifest.webmanifest")
    manifest = json.loads(response.get_data())
    response.close()
    assert response.mimetype == "application/manifest+json"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["display"] == "standalone"
    assert manifest["name"] and manifest["short_name"] and manifest["theme_color"] and manifest["background_color"]
    sizes = {(icon["sizes"], icon["purpose"]) for icon in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in manifest["icons"]:
        image = client.get(icon["src"])
        data = image.get_data()
        image.close()
        assert image.mimetype == "image/png"
        width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
        assert f"{width}x{height}" == icon["sizes"]


def test_offline_page_speaks_both_languages(client):
    html = client.get("/offline").get_data(as_text=True)
    assert "网络已断开" in html and "You are offline" in html
