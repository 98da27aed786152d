"""``.env.example`` lists every environment variable Hydra reads (settings and commands)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = {"env", "env_duration"}  # settings' env(...), env.int(...), env_duration(...)


def _reader(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in READERS
    return (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and (func.value.id == "env" or (func.value.id == "environ" and func.attr == "get"))
    )


def _environ_get(func: ast.expr) -> bool:
    """``os.environ.get(...)`` / ``os.getenv(...)``."""
    return isinstance(func, ast.Attribute) and (
        func.attr == "getenv"
        or (
            func.attr == "get"
            and isinstance(func.value, ast.Attribute)
            and func.value.attr == "environ"
        )
    )


def variables_read(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if (
            isinstance(node, ast.Call)
            and node.args
            and (_reader(node.func) or _environ_get(node.func))
        ):
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def code_paths() -> list[Path]:
    skip = {"tests", "migrations", ".venv", "bench", "docs"}
    return [
        p
        for p in ROOT.rglob("*.py")
        if not skip & set(p.relative_to(ROOT).parts) and p.name != "conftest.py"
    ]


def listed() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_every_variable_read_is_listed_in_env_example():
    read = set().union(*(variables_read(p) for p in code_paths()))
    read -= {"DJANGO_SETTINGS_MODULE"}  # set by manage.py / asgi.py, not a user setting
    assert "HYDRA_INGEST_THREADS" in read  # the scan finds settings' reads
    assert read - listed() == set()


def test_env_example_lists_nothing_hydra_does_not_read():
    read = set().union(*(variables_read(p) for p in code_paths()))
    assert listed() - read == set()


def test_the_scan_finds_each_way_of_reading(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "import os\nA = env('A')\nB = env.int('B', default=1)\nC = env_duration('C', '1m')\n"
        "D = os.environ.get('D')\nE = os.getenv('E')\nF = env.list(\n    'F'\n)\n"
    )
    assert variables_read(module) == {"A", "B", "C", "D", "E", "F"}
