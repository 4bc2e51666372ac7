"""Features depend one way: a package imports only the packages below it in LAYERS.

When something below must make something above act, it sends an event (server/common/events.py) that the
higher feature subscribes to when the app is created; this test keeps that true as features are added.
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVER = Path(__file__).resolve().parents[2] / "server"

# Lowest first. A package may import its own modules and those of any lower layer, never a higher one, nor
# another package of its own layer (peers do not know each other). The app's assembly (create_app, the
# commands, the worker, the demo data) stands above every feature and may import any.
LAYERS: list[set[str]] = [
    {"config", "extensions"},  # infrastructure, no features
    {"database"},  # SQLite pragmas and the engine's events
    {"common"},  # errors, clock, policy, i18n, the vault, domain events
    {"audit"},
    {"branches"},
    {"auth"},
    {"customers"},
    {"push"},  # device subscriptions
    {"notifications"},  # the outbox and its channels: every feature above queues notifications
    {"worklog", "sync"},
    {"floor"},
    {"cards", "guides", "campaigns"},  # guides: what each business needs (care records which were checked)
    {"referrals"},
    {"care"},
    {"complaints", "incidents", "checks"},  # records of the day: they use the floor's visits and the branch's staff
    {"shifts"},  # the shift handover: the complaints, faults, VIPs, referrals and tasks left open
    {"reports"},  # the records compiled: work log, monthly report, performance board, call list
    {"shell", "admin", "pwa"},  # the screens, which show every feature
]
ASSEMBLY = {"__init__", "cli", "worker", "demo", "history"}
LEVEL = {package: level for level, packages in enumerate(LAYERS) for package in packages}


def package_of(path: Path, root: Path = SERVER) -> str:
    """'floor' for server/floor/service.py, 'config' for server/config.py."""
    first = path.relative_to(root).parts[0]
    return first.removesuffix(".py")


def imported_packages(source: str) -> list[tuple[int, str]]:
    """(line, package) of every import of a server package, module level or inside a function alike."""
    found = []
    for node in ast.walk(ast.parse(source)):
        names = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] if node.module != "server" else [f"server.{a.name}" for a in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "server" and len(parts) > 1:
                found.append((node.lineno, parts[1]))
    return found


def violations(sources: dict[Path, str], root: Path = SERVER) -> list[str]:
    """Every import that goes sideways or up, as 'server/floor/service.py:14 floor imports care'."""
    problems = []
    for path, source in sorted(sources.items()):
        importer = package_of(path, root)
        if importer in ASSEMBLY:
            continue
        if importer not in LEVEL:
            problems.append(f"{path.relative_to(root.parent)}: package {importer!r} is not in LAYERS")
            continue
        for line, imported in imported_packages(source):
            if imported == importer or imported not in LEVEL and imported not in ASSEMBLY:
                continue
            if imported in ASSEMBLY or LEVEL[imported] >= LEVEL[importer]:
                problems.append(f"{path.relative_to(root.parent)}:{line} {importer} imports {imported}")
    return problems


def _server_sources() -> dict[Path, str]:
    return {path: path.read_text(encoding="utf-8") for path in SERVER.rglob("*.py")}


def test_every_package_imports_only_the_layers_below_it():
    assert violations(_server_sources()) == []


def test_every_package_of_the_server_has_a_place_in_the_layers():
    packages = {package_of(path) for path in SERVER.rglob("*.py")}
    assert packages - ASSEMBLY - set(LEVEL) == set()


def test_an_import_up_or_sideways_is_caught(tmp_path):
    """The check itself can fail: the branch settings calling care directly (as they once did), a vault in
    customers used by notifications, and two features of one layer knowing each other."""
    sources = {
        tmp_path / "branches" / "service.py": "from server.care import scheduling as care\n",
        tmp_path / "notifications" / "sender.py": "def send():\n    from server.floor.models import Visit\n",
        tmp_path / "shell" / "views.py": "import server.admin.views\n",
        tmp_path / "care" / "service.py": "from server.floor import service as floor\nfrom server import extensions\n",
    }
    assert violations(sources, root=tmp_path) == [
        f"{tmp_path.name}/branches/service.py:1 branches imports care",
        f"{tmp_path.name}/notifications/sender.py:2 notifications imports floor",
        f"{tmp_path.name}/shell/views.py:1 shell imports admin",
    ]
