"""Transitions are pushed to the ``alerts`` topic after the commit, with a swappable row."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection

from alerts.models import Alert
from alerts.services.evaluation import rules_evaluate
from alerts.services.rules import alert_acknowledge
from alerts.tests.conftest import T0, ingest, make_rule
from core.live import group_for
from metrics.live import mark_subscribed

pytestmark = pytest.mark.django_db(transaction=True)


def in_thread(fn, *args):
    """Run ``fn`` in a fresh thread: async_to_sync needs a thread with no running event loop
    (a session-wide Playwright fixture keeps one running in the main thread)."""

    def run():
        try:
            return fn(*args)
        finally:
            connection.close()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run).result(timeout=30)


@pytest.fixture
def listener():
    mark_subscribed(["alerts"])  # what the consumer does on subscribe
    layer = get_channel_layer()
    channel = in_thread(async_to_sync(layer.new_channel))
    in_thread(async_to_sync(layer.group_add), group_for("alerts"), channel)

    async def receive(n: int) -> list[dict]:
        return [await layer.receive(channel) for _ in range(n)]

    yield lambda n: in_thread(async_to_sync(receive), n)  # one call receives all n messages
    in_thread(async_to_sync(layer.group_discard), group_for("alerts"), channel)


def test_a_transition_is_published_with_its_row_html(listener):
    ingest("cpu.usage", "web-1", [(T0.timestamp() - 10, 95)])
    make_rule()
    in_thread(lambda: rules_evaluate(now=T0))
    alert = Alert.objects.get()
    [message] = listener(1)
    assert message["type"] == "alert.changed"
    payload = message["payload"]
    assert (payload["id"], payload["state"], payload["host"], payload["value"]) == (
        alert.pk,
        "firing",
        "web-1",
        95.0,
    )
    assert f'id="alert-{alert.pk}"' in payload["html"] and 'hx-swap-oob="true"' in payload["html"]


def test_an_acknowledgement_is_published(listener, owner):
    ingest("cpu.usage", "web-1", [(T0.timestamp() - 10, 95)])
    make_rule()
    in_thread(lambda: rules_evaluate(now=T0))
    in_thread(lambda: alert_acknowledge(alert=Alert.objects.get(), user=owner))
    payload = listener(2)[1]["payload"]
    assert payload["acknowledged"] is True and "acknowledged by alice" in payload["html"]


def test_nothing_is_sent_when_no_page_is_subscribed():
    layer = get_channel_layer()
    channel = in_thread(async_to_sync(layer.new_channel))
    in_thread(async_to_sync(layer.group_add), group_for("alerts"), channel)
    ingest("cpu.usage", "web-1", [(T0.timestamp() - 10, 95)])
    make_rule()
    in_thread(lambda: rules_evaluate(now=T0))

    async def nothing() -> bool:
        try:
            await asyncio.wait_for(layer.receive(channel), timeout=0.5)
        except TimeoutError:
            return True
        return False

    assert Alert.objects.get().state == "firing" and in_thread(async_to_sync(nothing))
