"""A run's progress reaches a subscribed websocket every second, then its summary."""

from __future__ import annotations

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator

from metrics.consumers import LiveConsumer
from scenarios import services
from scenarios.models import ScenarioRun, TrainingSession

pytestmark = [pytest.mark.django_db(transaction=True)]


async def connect(user, topic: str) -> WebsocketCommunicator:
    ws = WebsocketCommunicator(LiveConsumer.as_asgi(), "/ws/live/")
    ws.scope["user"] = user
    assert (await ws.connect())[0]
    await ws.send_json_to({"action": "subscribe", "topics": [topic]})
    assert (await ws.receive_json_from())["type"] == "subscribed"
    return ws


async def test_a_running_load_test_streams_seconds_then_its_summary(
    owner, make_scenario, target_server
):
    scenario = await sync_to_async(make_scenario)(
        target_server.url("/fast"), rate=20, duration=3, thresholds=["p95 < 1s"]
    )
    run = await ScenarioRun.objects.acreate(scenario=scenario, name="checkout", spec=scenario.spec)
    ws = await connect(owner, f"run:{run.pk}")
    await sync_to_async(services.run_execute, thread_sensitive=False)(run_id=run.pk)
    messages = []
    while not messages or messages[-1]["summary"] is None:
        messages.append(await ws.receive_json_from(timeout=5))
    assert {m["type"] for m in messages} == {"run_progress"}
    seconds = [m["second"] for m in messages if m["second"]]
    assert len(seconds) >= 2 and all(s["rps"] > 0 for s in seconds)
    assert seconds[0]["t"] < seconds[-1]["t"]
    assert messages[0]["status"] == "running" and messages[-1]["status"] == "completed"
    assert messages[-1]["summary"]["requests"] > 40
    assert seconds[-1]["p95"] is not None
    assert any(t["threshold"] == "p95 < 1s" for m in messages for t in m["thresholds"])
    await ws.disconnect()


async def test_training_progress_has_its_own_topic(owner):
    session = await TrainingSession.objects.acreate(
        target_url="http://127.0.0.1:9/", slo=["p95 < 1s"], start_rps=1, max_rps=2, step_duration=2
    )
    ws = await connect(owner, f"training:{session.pk}")
    await sync_to_async(services.training_stop)()
    message = await ws.receive_json_from(timeout=5)
    assert message["type"] == "training_progress" and message["status"] == "stopped"
    await ws.disconnect()
