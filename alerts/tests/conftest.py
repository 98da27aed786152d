from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from alerts.models import AlertRule, NotificationChannel
from alerts.notifiers import http as notifier_http
from metrics.ingest import Batch
from metrics.models import Series
from metrics.services import points_ingest

US = 1_000_000
T0 = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _tasks_inline(settings):
    """Queued tasks run inline (Celery's eager mode) in both test modes, so a test sees
    their effects without a worker; the code path is still ``core.dispatch.enqueue``."""
    from hydra.celery import app

    settings.HYDRA_EMBEDDED_TASKS = False
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def ingest(name: str, host: str, points: list[tuple[float, float]], labels=None) -> Series:
    """Write (epoch seconds, value) points through the metrics ingestion service."""
    batch = Batch()
    pos = batch.series_position((name, host, tuple(sorted((labels or {}).items()))))
    for t, v in points:
        batch.add(pos, int(t * US), float(v))
    points_ingest(batch=batch)
    return Series.objects.get(name=name, host=host)


def make_rule(**fields) -> AlertRule:
    defaults = {
        "name": "cpu high", "metric": "cpu.usage", "condition": "threshold", "agg": "avg",
        "window_seconds": 60, "op": ">", "threshold": 90.0,
    }  # fmt: skip
    channels = fields.pop("channels", [])
    rule = AlertRule(**{**defaults, **fields})
    rule.full_clean()
    rule.save()
    rule.channels.set(channels)
    return rule


class WebhookRecorder:
    """Outbound HTTP edge: records requests and answers with ``status`` (or raises)."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.status = 200
        self.fail_with: Exception | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.fail_with is not None:
            raise self.fail_with
        return httpx.Response(self.status, text="ok" if self.status < 400 else "boom")

    def bodies(self) -> list[dict]:
        return [json.loads(r.content) for r in self.requests]


@pytest.fixture
def webhook(monkeypatch) -> WebhookRecorder:
    recorder = WebhookRecorder()
    monkeypatch.setattr(notifier_http, "transport", httpx.MockTransport(recorder))
    return recorder


@pytest.fixture
def hook_channel(db) -> NotificationChannel:
    return NotificationChannel.objects.create(
        name="ops hook", kind="webhook", target="https://hooks.example.com/hydra",
        secret="s3cret", group_wait_seconds=0,
    )  # fmt: skip


@pytest.fixture
def staff(client, team_admin):
    """A client logged in with the admin role (the admin pages), not a superuser."""
    client.force_login(team_admin)
    return client
