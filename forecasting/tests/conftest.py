"""The forecasting tests are pure Python: they run with ``-p no:django``."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _clear_cache():
    """Override the root conftest's Django cache fixture: nothing to clear here."""
    yield
