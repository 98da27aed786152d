"""Shared test set-up. Real PostgreSQL/Redis when DATABASE_URL/REDIS_URL are set (CI runs
both modes); SQLite and in-process transports otherwise. Tests never read ../shared."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
os.environ.setdefault("HYDRA_EMBEDDED_SCHEDULER", "false")
os.environ.setdefault("HYDRA_SCRAPE_IN_WEB", "false")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # live_server + playwright
os.environ["HYDRA_CHANNEL_PREFIX"] = f"hydra-test-{worker}"
os.environ["HYDRA_CACHE_PREFIX"] = f"hydra-test-{worker}"

import pytest  # noqa: E402
from django.conf import settings  # noqa: E402

# pytest-django may have read the settings before this file ran: apply the same here.
settings.HYDRA_EMBEDDED_SCHEDULER = False
settings.HYDRA_SCRAPE_IN_WEB = False
# a test makes several users with passwords: the production hasher's 10^6 rounds cost ~0.3 s each
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if settings.REDIS_URL:
    settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = os.environ["HYDRA_CHANNEL_PREFIX"]  # type: ignore[index]
    settings.CACHES["default"]["KEY_PREFIX"] = os.environ["HYDRA_CACHE_PREFIX"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session", autouse=True)
def _close_connections(django_db_setup):
    """Async tests' ORM calls run in asgiref's one sync thread, and the ingestion front's in
    its workers; their connections (and the PostgreSQL pool's idle ones) are closed here,
    before the test database is dropped."""
    yield
    from asgiref.sync import SyncToAsync
    from django.db import connections

    SyncToAsync.single_thread_executor.submit(connections.close_all).result()
    for conn in connections.all():
        if conn.alias in getattr(conn, "_connection_pools", {}):
            conn.close_pool()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Throttle counters and cached lookups must not leak between tests (only this test
    process's keys: other xdist workers share the Redis database)."""
    from django.core.cache import cache

    if settings.REDIS_URL:
        client = cache._cache.get_client(write=True)
        keys = list(
            client.scan_iter(match=f"{settings.CACHES['default']['KEY_PREFIX']}:*", count=1000)
        )
        if keys:
            client.delete(*keys)
    else:
        cache.clear()
    yield


def make_user(username: str, role: str | None, password: str | None = None):
    """A user with a role (``core.roles``: viewer, editor, admin; None: no role at all)."""
    from django.contrib.auth import get_user_model

    from core.services import user_role_set

    user = get_user_model().objects.create_user(username, password=password)
    return user_role_set(user=user, role=role) if role else user


@pytest.fixture
def owner(django_user_model):
    """alice, an editor: owns the things a test makes (the healthchecks-style "alice")."""
    return make_user("alice", "editor", "alice-pass-123")


@pytest.fixture
def teammate(django_user_model):
    """bob, another editor (team resources are his to change too; private ones are not)."""
    return make_user("bob", "editor", "bob-pass-123")


@pytest.fixture
def viewer(django_user_model):
    """charlie: reads everything, changes nothing."""
    return make_user("charlie", "viewer", "charlie-pass-123")


@pytest.fixture
def team_admin(django_user_model):
    """dana, with the admin role (not a superuser: the role's permissions are what counts)."""
    return make_user("dana", "admin", "dana-pass-123")


@pytest.fixture
def user(django_user_model):
    """The admin browser tests log in as (``core.tests.helpers.log_in``)."""
    from core.tests.helpers import BROWSER_PASSWORD, BROWSER_USER

    return make_user(BROWSER_USER, "admin", BROWSER_PASSWORD)


@pytest.fixture
def token(user) -> str:
    """A read-write API token of ``user``."""
    from core.services import api_token_create

    return api_token_create(user=user)[1]


@pytest.fixture(autouse=True)
def _fresh_series_cache():
    """Series ids are cached per process; a rolled-back test must not leave ids behind."""
    from metrics.ingest.series_ids import forget_all

    forget_all()
    yield
    forget_all()


@pytest.fixture
def api(token_client):
    """An API client with a fresh read-write token of ``owner``."""
    return token_client()


@pytest.fixture
def token_client(owner):
    """An API client factory authenticated by a fresh token of ``owner`` (or ``user``):
    ``token_client(read_only=True)``, ``token_client(user=viewer)``."""
    from rest_framework.test import APIClient

    from core.services import api_token_create

    def make(read_only: bool = False, keyword: str = "Token", user=None) -> APIClient:
        _, key = api_token_create(user=user or owner, read_only=read_only)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"{keyword} {key}")
        client.key = key  # type: ignore[attr-defined]
        return client

    return make


ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


def _asgi_application():
    from channels.routing import get_default_application
    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

    return ASGIStaticFilesHandler(get_default_application())


def start_daphne_process(extra_setup=None, port: int | None = None):
    """A daphne child process on the test database (on ``port``, else a free one); returns
    (process, base URL)."""
    from daphne.testing import DaphneProcess
    from django.conf import settings
    from django.db import connections

    name = connections["default"].settings_dict["NAME"]

    def use_test_database():
        from concurrent.futures import ThreadPoolExecutor

        from asgiref.sync import SyncToAsync
        from channels.layers import channel_layers

        settings.DATABASES["default"]["NAME"] = name
        # a fork keeps objects but not threads: the parent's async tests may have left a
        # channel layer bound to their loops and asgiref's one-thread executor without
        # its thread (database_sync_to_async would then wait forever)
        channel_layers.backends = {}
        SyncToAsync.single_thread_executor = ThreadPoolExecutor(max_workers=1)
        if extra_setup is not None:
            extra_setup()

    connections.close_all()  # the child must not share the parent's sockets...
    for conn in connections.all():  # ...nor pooled ones: closing only returns them to the pool
        if conn.alias in getattr(conn, "_connection_pools", {}):
            conn.close_pool()  # type: ignore[attr-defined]  # Django 5.1+ pools
    process = DaphneProcess("127.0.0.1", _asgi_application, setup=use_test_database, port=port)
    process.start()
    if not process.ready.wait(timeout=30):
        raise RuntimeError("daphne did not start")
    return process, f"http://127.0.0.1:{process.port.value}"


@pytest.fixture
def asgi_server(transactional_db):
    """Hydra served by daphne (ASGI: HTTP and websockets) in a child process, on the test
    database. Yields its base URL."""
    process, url = start_daphne_process()
    yield url
    process.terminate()
    process.join(timeout=10)


def _run_tasks_in_the_server(fast: dict[str, float]):
    """In the child: beat's schedule runs in-process (both modes), some entries faster."""
    from datetime import timedelta

    from django.conf import settings

    from core import embedded

    settings.HYDRA_EMBEDDED_TASKS = True
    for name, seconds in fast.items():
        settings.CELERY_BEAT_SCHEDULE[name]["schedule"] = timedelta(seconds=seconds)
    embedded.start()


@pytest.fixture
def asgi_server_with_tasks(transactional_db):
    """Like ``asgi_server``, plus beat's schedule running inside the server process, with
    alert evaluation every second (so a test sees alerts appear within seconds)."""
    from functools import partial

    process, url = start_daphne_process(partial(_run_tasks_in_the_server, {"alerts-evaluate": 1}))
    yield url
    process.terminate()
    process.join(timeout=10)


@pytest.fixture
def second_asgi_server(transactional_db, asgi_server):
    """Another daphne process on the same database and channel layer (full mode fan-out)."""
    process, url = start_daphne_process()
    yield url
    process.terminate()
    process.join(timeout=10)


@pytest.fixture
def screenshot(page, request):
    """``screenshot("name")`` saves test-artifacts/<test>-<name>.png (CI keeps them)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> Path:
        path = ARTIFACTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def console_errors(page):
    """Console errors and uncaught exceptions seen by the page (a test asserts it stays empty)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


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
