"""The app graph runs one way, and app modules stay small (docs/architecture.md).

An ast scan of every app's code (tests and migrations aside): an app may import only the
apps below it, so no two apps import each other; none imports the project wiring (``hydra``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
# lower layers first; an app may import apps of a lower layer only
LAYERS = {
    "core": 0,
    "metrics": 1,
    "forecasting": 2,
    "scenarios": 2,
    "prom": 2,
    "alerts": 3,
    "dashboards": 4,
}
MAX_MODULE_LINES = 400


def local_apps() -> list[str]:
    return [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]


def app_modules(app: str) -> list[Path]:
    skip = {"tests", "migrations"}
    return [p for p in (ROOT / app).rglob("*.py") if not skip & set(p.relative_to(ROOT).parts)]


def imported_tops(path: Path) -> set[str]:
    tops = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            tops.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            tops.add(node.module.split(".")[0])
    return tops


def imports_of(app: str, apps: list[str]) -> dict[str, list[str]]:
    """Other local apps (and ``hydra``) that ``app`` imports -> the modules importing them."""
    found: dict[str, list[str]] = {}
    for path in app_modules(app):
        for top in imported_tops(path) & ({*apps, "hydra"} - {app}):
            found.setdefault(top, []).append(str(path.relative_to(ROOT)))
    return found


def test_every_local_app_has_a_layer():
    assert set(local_apps()) <= set(LAYERS), "add the new app to LAYERS and the docs"


@pytest.mark.parametrize("app", sorted(LAYERS))
def test_an_app_imports_only_apps_below_it(app):
    apps = local_apps()
    if app not in apps:
        pytest.skip(f"{app} is not installed")
    upward = {
        other: where
        for other, where in imports_of(app, apps).items()
        if other == "hydra" or LAYERS[other] >= LAYERS[app]
    }
    assert upward == {}, f"{app} imports apps at or above its layer: {upward}"


def test_no_two_apps_import_each_other():
    apps = local_apps()
    graph = {app: set(imports_of(app, apps)) for app in apps}
    cycles = sorted((a, b) for a in apps for b in graph[a] if b in apps and a in graph[b] and a < b)
    assert cycles == []


def test_no_app_module_passes_the_size_limit():
    long = {
        str(path.relative_to(ROOT)): n
        for app in local_apps()
        for path in app_modules(app)
        if (n := len(path.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, f"split these into packages: {long}"


def test_the_scan_sees_an_upward_import(tmp_path, monkeypatch):
    """The scan itself works: a module importing an upper app is caught."""
    module = tmp_path / "core" / "bad.py"
    module.parent.mkdir()
    module.write_text("from dashboards.selectors import host_cards\nimport alerts.models\n")
    assert imported_tops(module) == {"dashboards", "alerts"}
