"""Helpers for tests that start Hydra in a subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra: str) -> dict[str, str]:
    """The current environment without Hydra's mode variables, plus ``extra``."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SECRET_KEY")
    }
    env.pop("PYTEST_XDIST_WORKER", None)
    env.update(extra)
    return env


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def wait_for(url: str, timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def start_daphne(port: int, env: dict[str, str], log=subprocess.PIPE) -> subprocess.Popen:
    """daphne serving Hydra on ``port``; its output goes to ``log`` (a pipe unless given: a
    long-running server that logs a lot needs a file, or the full pipe blocks it)."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hydra.serve",  # daphne, as the Procfiles start it
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "hydra.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen, timeout: float = 10) -> None:
    """Terminate ``process``, and kill it if it is still there after ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=timeout)


BROWSER_USER, BROWSER_PASSWORD = "carol", "browser-pass-123"  # the root conftest's ``user``


def log_in(page, base: str, username: str = BROWSER_USER, password: str = BROWSER_PASSWORD):
    """Log a Playwright page in through the login form; it lands on the overview."""
    from playwright.sync_api import expect

    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{base}/")
    page.wait_for_load_state("domcontentloaded")  # the deferred scripts have run: buttons work
