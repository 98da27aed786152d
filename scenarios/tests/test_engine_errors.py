"""Error classification, response framing, cancellation and callback robustness."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest

from scenarios.engine import ScenarioRun, ScenarioSpec
from scenarios.engine.client import classify_exception


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def vus_spec(url: str, **extra) -> ScenarioSpec:
    base = {"requests": [{"url": url}], "executor": "constant-vus", "vus": 2, "duration": 1}
    return ScenarioSpec.from_dict({**base, **extra})


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (TimeoutError(), "timeout"),
        (ConnectionRefusedError(), "connection_refused"),
        (ConnectionResetError(), "connection_reset"),
        (socket.gaierror(-2, "Name or service not known"), "dns"),
        (RuntimeError("boom"), "other"),
    ],
)
def test_classify_builtin(exc, kind):
    assert classify_exception(exc) == kind


async def test_5xx_and_4xx_are_errors(target):
    summary = await ScenarioRun(vus_spec(target.url("/status/503"))).run()
    assert summary.error_rate == 1.0
    assert summary.errors_by_status_class == {"5xx": summary.requests}
    summary = await ScenarioRun(vus_spec(target.url("/status/404"))).run()
    assert summary.errors_by_status_class == {"4xx": summary.requests}
    assert summary.status_counts == {"404": summary.requests}


async def test_expected_statuses_are_configurable(target):
    spec = vus_spec(target.url("/status/404"), expected_statuses=[200, 404])
    summary = await ScenarioRun(spec).run()
    assert summary.requests > 0 and summary.errors == 0


async def test_timeouts_are_classified(target):
    spec = vus_spec(target.url("/slow?ms=1000"), timeout=0.2, duration=1)
    summary = await ScenarioRun(spec).run()
    assert summary.errors_by_kind.get("timeout", 0) >= 4
    assert summary.errors == summary.requests


async def test_connection_refused_on_closed_port():
    spec = vus_spec(f"http://127.0.0.1:{closed_port()}/", duration=0.5, think_time=0.05)
    summary = await ScenarioRun(spec).run()
    assert summary.requests > 0
    assert summary.errors_by_kind == {"connection_refused": summary.requests}


async def test_aiohttp_client_classifies_refused_and_timeout(target):
    url = f"http://127.0.0.1:{closed_port()}/"
    spec = vus_spec(url, duration=0.5, think_time=0.05, client="aiohttp")
    summary = await ScenarioRun(spec).run()
    assert set(summary.errors_by_kind) == {"connection_refused"}
    spec = vus_spec(target.url("/slow?ms=1000"), timeout=0.2, client="aiohttp")
    summary = await ScenarioRun(spec).run()
    assert set(summary.errors_by_kind) == {"timeout"}


async def test_chunked_and_close_delimited_bodies(target):
    for path in ("/chunked", "/close"):
        summary = await ScenarioRun(vus_spec(target.url(path), duration=0.5)).run()
        assert summary.requests > 5 and summary.errors == 0, path


async def test_cancel_mid_run_is_prompt(target):
    run = ScenarioRun(vus_spec(target.url("/slow?ms=50"), vus=20, duration=30))
    task = asyncio.create_task(run.run())
    await asyncio.sleep(1.3)
    began = time.monotonic()
    run.cancel()
    summary = await task
    assert time.monotonic() - began < 1.0
    assert summary.status == "cancelled" and summary.reason
    assert 1.0 < summary.duration_s < 2.0
    assert summary.requests > 100 and summary.latency_ms["p50"] >= 50
    assert summary.as_dict()["seconds"] >= 1


async def test_cancel_event_from_another_thread(target):
    event = threading.Event()
    spec = vus_spec(target.url("/fast"), duration=30)
    threading.Timer(0.5, event.set).start()
    began = time.monotonic()
    summary = await ScenarioRun(spec, cancel_event=event).run()
    assert summary.status == "cancelled"
    assert time.monotonic() - began < 1.5


async def test_async_callback_and_failing_callback(target):
    got = []

    async def on_second(stats):
        got.append(stats.as_dict())
        raise RuntimeError("consumer broke")

    spec = vus_spec(target.url("/fast"), duration=2)
    summary = await ScenarioRun(spec, on_second=on_second).run()
    assert summary.status == "completed"
    assert len(got) >= 2 and got[0]["second"] == 1 and got[0]["requests"] > 0
    assert sum(s["requests"] for s in got) <= summary.requests
