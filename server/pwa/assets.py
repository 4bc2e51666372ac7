"""The precache list and the content-derived version that the service worker is served with."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

# The page precached beside the static files: the offline fallback (others are cached as visited).
PRECACHED_PAGES = ("/offline",)
# Templates whose markup is part of the shell (with everything in shell/): a change must bump the version.
SHELL_TEMPLATES = ("base.html", "_macros.html", "pwa/offline.html", "auth/login.html")
SKIPPED_SUFFIXES = (".map", ".md")


@dataclass(frozen=True)
class ShellAssets:
    version: str
    urls: tuple[str, ...]


def build_shell_assets(static_folder: Path, service_worker: Path, templates: Path, translations: Path) -> ShellAssets:
    """Hash every file the shell is made of; any edit yields a new version and a new cache."""
    static_files = sorted(p for p in static_folder.rglob("*") if p.is_file() and p.suffix not in SKIPPED_SUFFIXES)
    digest = hashlib.sha256()
    shell_templates = [templates / t for t in SHELL_TEMPLATES] + sorted((templates / "shell").glob("*.html"))
    inputs = [service_worker, *static_files, *shell_templates, *sorted(translations.rglob("*.po"))]
    for path in inputs:
        if path.exists():
            digest.update(str(path.relative_to(path.anchor)).encode())
            digest.update(path.read_bytes())
    urls = PRECACHED_PAGES + tuple("/static/" + p.relative_to(static_folder).as_posix() for p in static_files)
    return ShellAssets(version=digest.hexdigest()[:12], urls=urls)
