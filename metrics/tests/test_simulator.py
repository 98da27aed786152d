from __future__ import annotations

from io import StringIO

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from metrics.ingest.series_ids import forget_all
from metrics.models import Point, Series
from metrics.simulator import DAY, HostSimulator, Incident, batch_for

T0 = 1_790_000_000.0


def test_it_is_deterministic_for_a_seed():
    a = HostSimulator("h", 0, 7, T0, T0 + DAY).values(T0 + 100)
    b = HostSimulator("h", 0, 7, T0, T0 + DAY).values(T0 + 100)
    assert a == b and set(a) >= {"cpu.usage", "memory.used", "http.latency.p95"}


def test_cpu_follows_a_daily_cycle_within_bounds():
    sim = HostSimulator("h", 0, 1, T0, T0 + 2 * DAY)
    sim.incidents = []
    cpu = np.array([sim.values(T0 + i * 600)["cpu.usage"] for i in range(288)])
    assert cpu.min() >= 0 and cpu.max() <= 100
    day1, day2 = cpu[:144], cpu[144:]
    assert np.corrcoef(day1, day2)[0, 1] > 0.8  # the same shape every day
    assert cpu.max() - cpu.min() > 20


def test_incidents_change_the_values():
    sim = HostSimulator("h", 0, 1, T0, T0 + DAY)
    sim.incidents = [
        Incident("spike", T0 + 100, T0 + 200, "cpu.usage", 5.0),
        Incident("dropout", T0 + 300, T0 + 400, "", 0.0),
    ]
    quiet, spiking = sim.values(T0 + 50)["cpu.usage"], sim.values(T0 + 150)["cpu.usage"]
    assert spiking > 2 * quiet or spiking == 100
    assert sim.dropped(T0 + 350) and not sim.dropped(T0 + 450)
    assert batch_for([sim], [T0 + 350]) == {"series": []}


@pytest.mark.django_db(transaction=True)
def test_the_command_backfills_and_streams_through_the_api(live_server, owner):
    forget_all()
    owner.is_superuser = True
    owner.save()
    out = StringIO()
    call_command(
        "simulate",
        "--hosts",
        "2",
        "--interval",
        "0.5",
        "--duration",
        "1s",
        "--backfill",
        "10m",
        "--url",
        live_server.url,
        stdout=out,
    )
    assert "back-filled 320 points for 2 hosts" in out.getvalue()  # every 30 s
    assert Series.objects.filter(host="host-001").count() == 8
    assert Point.objects.count() >= 320 + 2 * 8
    units = dict(Series.objects.filter(host="host-001").values_list("name", "unit"))
    assert units["cpu.usage"] == "%" and units["http.latency.p95"] == "ms"  # described


@pytest.mark.django_db
def test_the_command_explains_a_missing_server():
    with pytest.raises(CommandError, match="isn't answering"):
        call_command(
            "simulate",
            "--hosts",
            "1",
            "--url",
            "http://127.0.0.1:9",
            "--wait",
            "0",
            "--token",
            "x",
            stdout=StringIO(),
        )


def test_the_demo_script_repeats_every_two_hours_on_its_hosts():
    from metrics.simulator import DEMO_CYCLE, demo_incidents

    start = 1_800_000_000.0
    cpu = [i for i in demo_incidents(6, start, start + 5 * 3600) if i.metric == "cpu.usage"]
    assert [(i.kind, i.start - start, i.size) for i in cpu] == [
        ("pin", 120, 97.0), ("pin", 120 + DEMO_CYCLE, 97.0), ("pin", 120 + 2 * DEMO_CYCLE, 97.0)
    ]  # fmt: skip
    assert demo_incidents(9, start, start + 5 * 3600) == ()
    leak = demo_incidents(2, start, start + 3600)
    assert [(i.kind, i.start - start) for i in leak] == [("leak", -3 * 3600)]


def test_a_pinned_metric_holds_its_value():
    from metrics.simulator import HostSimulator, Incident

    pin = Incident("pin", 100.0, 200.0, "cpu.usage", 97.0)
    host = HostSimulator("host-006", 6, 1, 0.0, 1000.0, (pin,))
    assert 96 <= host.values(150.0)["cpu.usage"] <= 98
