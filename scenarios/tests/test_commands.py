"""``manage.py demo_target`` serves a target that load tests can use."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_demo_target_serves_until_stopped():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "demo_target", "--port", str(port), "--capacity", "5"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90  # Django start-up on a busy CI machine
        while True:
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/fast", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[1]
                assert time.monotonic() < deadline, "demo target did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        assert httpx.get(f"http://127.0.0.1:{port}/status/503").status_code == 503
    finally:
        process.terminate()
        process.wait(timeout=10)
