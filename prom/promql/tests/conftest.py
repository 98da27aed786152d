"""The engine is pure Python: its tests need neither the database nor the cache."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Override the project conftest's cache reset: these tests never touch Django."""
    yield
