"""Real Prometheus programs for the tests: Debian's ``prometheus`` and
``prometheus-node-exporter`` (``.ci/run`` installs them), each started as a plain process
with its own config and data directory on a free loopback port."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from core.tests.helpers import free_port

PROMETHEUS = shutil.which("prometheus")
NODE_EXPORTER = shutil.which("prometheus-node-exporter") or shutil.which("node_exporter")


def require_programs() -> None:
    if PROMETHEUS is None or NODE_EXPORTER is None:
        pytest.skip(
            "prometheus and prometheus-node-exporter are not installed "
            "(apt-get install prometheus prometheus-node-exporter; .ci/run installs them)"
        )


def wait_ready(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} exited: {process.stdout.read() if process.stdout else ''}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not become ready")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def node_exporter() -> Iterator[tuple[subprocess.Popen, str]]:
    """(process, host:port) of a running node_exporter."""
    address = f"127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [str(NODE_EXPORTER), f"--web.listen-address={address}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_ready(f"http://{address}/metrics", process)
        yield process, address
    finally:
        stop(process)


@contextmanager
def prometheus(
    config: dict, workdir: Path, args: tuple[str, ...] = (), address: str | None = None
) -> Iterator[str]:
    """The base URL of a Prometheus server running ``config`` (``args``: more flags; on
    ``address``, e.g. when the config scrapes Prometheus itself, else on a free port)."""
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "prometheus.yml").write_text(json.dumps(config, indent=1))  # JSON is YAML
    address = address or f"127.0.0.1:{free_port()}"
    process = subprocess.Popen(
        [
            str(PROMETHEUS),
            f"--config.file={workdir / 'prometheus.yml'}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address={address}",
            *args,
        ],
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "prometheus.log").open("w"),
    )
    try:
        wait_ready(f"http://{address}/-/ready", process)
        yield f"http://{address}"
    finally:
        stop(process)


def own_metric(base: str, name: str) -> float:
    """The sum of a metric Prometheus exposes about itself (its own /metrics)."""
    total = 0.0
    for line in httpx.get(f"{base}/metrics", timeout=5).text.splitlines():
        if line.startswith(name) and line[len(name)] in " {":
            total += float(line.rsplit(" ", 1)[1])
    return total


def query(base: str, promql: str, at: float) -> list[dict]:
    response = httpx.get(f"{base}/api/v1/query", params={"query": promql, "time": at}, timeout=30)
    response.raise_for_status()
    return response.json()["data"]["result"]
