"""Embedded mode starts from a clean directory with no external server."""

from __future__ import annotations

import time

import httpx
import pytest

from core.tests.helpers import clean_env, free_port, manage, start_daphne, wait_for

pytestmark = pytest.mark.slow


def _worker_becomes_ok(url: str, timeout: float = 30) -> bool:
    """The in-process beat runs the heartbeat task on the same schedule as celery beat."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if httpx.get(url).json()["components"]["worker"]["status"] == "ok":
            return True
        time.sleep(0.5)
    return False


def test_embedded_mode_migrates_and_serves_from_a_clean_directory(tmp_path):
    env = clean_env(HYDRA_DATA_DIR=str(tmp_path), HYDRA_EMBEDDED_SCHEDULER="true")
    migrated = manage("migrate", "--noinput", env=env)
    assert migrated.returncode == 0, migrated.stderr
    assert (tmp_path / "hydra.sqlite3").exists()
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    port = free_port()
    server = start_daphne(port, env)
    try:
        login = wait_for(f"http://127.0.0.1:{port}/login/")
        assert login.status_code == 200 and "Log in to Hydra" in login.text
        health = wait_for(f"http://127.0.0.1:{port}/api/v1/health").json()
        assert health["mode"] == "embedded"
        assert health["components"]["redis"]["status"] == "embedded"
        assert _worker_becomes_ok(f"http://127.0.0.1:{port}/api/v1/health")
        page = wait_for(f"http://127.0.0.1:{port}/explore/")
        assert page.status_code == 302 and page.headers["location"].startswith("/login/")
    finally:
        server.terminate()
        server.wait(timeout=10)
    journal = manage(
        "shell",
        "-c",
        "from django.db import connection as c; "
        "c.cursor().execute('PRAGMA journal_mode'); "
        "print(c.cursor().execute('PRAGMA journal_mode').fetchone()[0])",
        env=env,
    )
    assert journal.stdout.strip().splitlines()[-1] == "wal"
