"""Shared test set-up. Real PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set (CI runs
both modes); SQLite and in-process transports otherwise. Tests never read ../shared."""

from __future__ import annotations

import os
import shutil

worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
os.environ.setdefault("HYDRA_EMBEDDED_SCHEDULER", "false")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + playwright
os.environ["HYDRA_CHANNEL_PREFIX"] = f"hydra-test-{worker}"
os.environ["HYDRA_CACHE_PREFIX"] = f"hydra-test-{worker}"

import pytest  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and cached lookups must not leak between tests."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("alice", password="alice-pass-123", is_staff=True)


@pytest.fixture
def teammate(django_user_model):
    return django_user_model.objects.create_user("bob", password="bob-pass-123")


@pytest.fixture
def token_client(owner):
    """An API client factory authenticated by a fresh token: ``token_client(read_only=True)``."""
    from rest_framework.test import APIClient

    from hydra.services import api_token_create

    def make(read_only: bool = False, keyword: str = "Token") -> APIClient:
        _, key = api_token_create(user=owner, read_only=read_only)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
        client.key = key  # type: ignore[attr-defined]
        return client

    return make


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }
