"""The seeded demo played forward: what ``make run`` shows a quarter of an hour after its
first start, built in-process (the simulator's data, rules, detection and a forecast)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import orjson

from alerts.services.detection import detection_run
from alerts.services.evaluation import rules_evaluate
from dashboards.demo import demo_seed
from forecasting import services as forecasting
from forecasting.models import ForecastConfig
from metrics.ingest.json_shapes import parse_json
from metrics.models import Series
from metrics.rollups import rollups_update
from metrics.services import points_ingest
from metrics.simulator import HostSimulator, batch_for, demo_incidents


def ingest(hosts: list[HostSimulator], times: list[float]) -> None:
    body = batch_for(hosts, times)
    points_ingest(batch=parse_json(orjson.dumps(body), max_points=10**7))


def at(t: float) -> datetime:
    return datetime.fromtimestamp(t, tz=UTC)


def play_demo(*, owner, minutes: int = 16, hosts: int = 8) -> float:
    """Seed, back-fill 8 h, forecast host-002's memory, then ``minutes`` of live sending
    (every 10 s) with rules every 15 s and detection every minute, ending now. Returns
    when live sending started (epoch s)."""
    demo_seed(owner=owner)
    live = time.time() // 10 * 10 - minutes * 60
    sims = [
        HostSimulator(f"host-{i:03d}", i, 1, live - 8 * 3600, live + 3600, demo_incidents(i, live, live + 3600))
        for i in range(hosts)
    ]  # fmt: skip
    ingest(sims, [live - 8 * 3600 + i * 60 for i in range(8 * 60)])
    memory = Series.objects.get(name="memory.used", host="host-002")
    config = ForecastConfig.objects.get(name="Demo · memory")
    forecasting.forecast_run(series=memory, spec=config.spec(), config=config)
    for step in range(minutes * 6):
        t = live + step * 10
        ingest(sims, [t])
        if step % 6 == 5:
            detection_run(now=at(t + 1))
        if step % 3 == 2:
            rules_evaluate(now=at(t + 5))
    rollups_update()
    return live
