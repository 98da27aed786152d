"""Realistic demo metrics: daily and weekly cycles, noise, and injected incidents.

Deterministic for a seed, so tests (and the forecasting/alerts issues) can rely on it.
Incidents per host: ``spike`` (short burst), ``level_shift`` (a step that stays for hours),
``leak`` (memory climbing until a "restart"), ``dropout`` (the host sends nothing), ``pin``
(held at a value). ``demo_incidents`` adds a script the seeded demo rules catch within
minutes of ``make run`` (and again every two hours).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

DAY, WEEK = 86_400.0, 604_800.0
INCIDENT_KINDS = ("spike", "level_shift", "leak", "dropout")


@dataclass(frozen=True)
class Incident:
    kind: str
    start: float
    end: float
    metric: str
    size: float


@dataclass(frozen=True)
class Metric:
    name: str
    base: float
    daily: float  # amplitude of the daily cycle, as a fraction of base
    noise: float  # standard deviation, as a fraction of base
    low: float = 0.0
    high: float = math.inf
    unit: str = ""


METRICS = (
    Metric("cpu.usage", 35, 0.45, 0.06, 0, 100, "%"),
    Metric("memory.used", 55, 0.10, 0.01, 0, 100, "%"),
    Metric("disk.used", 40, 0.0, 0.001, 0, 100, "%"),
    Metric("disk.io", 120, 0.35, 0.15, 0, unit="ops/s"),
    Metric("http.requests", 250, 0.60, 0.05, 0, unit="req/s"),
    Metric("http.latency.p95", 180, 0.25, 0.08, 1, unit="ms"),
    Metric("http.errors", 0.5, 0.5, 0.5, 0, unit="req/s"),
    Metric("net.rx", 5e6, 0.55, 0.07, 0, unit="B/s"),
)


class HostSimulator:
    """One host's metrics as a function of time."""

    def __init__(
        self,
        host: str,
        index: int,
        seed: int,
        start: float,
        end: float,
        scripted: tuple[Incident, ...] = (),
    ) -> None:
        self.host = host
        rng = random.Random(f"{seed}:{host}")
        self.scale = 0.7 + 0.6 * rng.random()
        self.phase = rng.uniform(-3600, 3600)
        self.noise = random.Random(f"{seed}:{host}:noise")
        self.incidents = _incidents(rng, start, end) + list(scripted)
        self.disk_growth = rng.uniform(0.2, 1.5) / DAY  # % per second

    def dropped(self, t: float) -> bool:
        return any(i.kind == "dropout" and i.start <= t < i.end for i in self.incidents)

    def values(self, t: float) -> dict[str, float]:
        return {m.name: round(self._value(m, t), 4) for m in METRICS}

    def _value(self, m: Metric, t: float) -> float:
        tt = t + self.phase
        daily = math.sin(2 * math.pi * ((tt % DAY) / DAY - 0.3))
        weekend = 0.75 if ((tt // DAY) + 4) % 7 >= 5 else 1.0  # 1970-01-01 was a Thursday
        value = m.base * self.scale * weekend * (1 + m.daily * daily)
        if m.name == "disk.used":
            value = m.base + (t % (20 * DAY)) * self.disk_growth
        value += self.noise.gauss(0, m.noise * m.base * self.scale)
        value = self._incident_effect(m, t, value)
        return min(max(value, m.low), m.high)

    def _incident_effect(self, m: Metric, t: float, value: float) -> float:
        for i in self.incidents:
            if i.metric != m.name or not i.start <= t < i.end:
                continue
            if i.kind in ("spike", "level_shift"):
                value *= i.size
            elif i.kind == "pin":
                value = i.size * (1 + 0.01 * math.sin(t / 7))
            elif i.kind == "leak":
                value += (t - i.start) / (i.end - i.start) * i.size
        return value


def _incidents(rng: random.Random, start: float, end: float) -> list[Incident]:
    """About one incident per host per 12 hours."""
    count = max(1, int((end - start) / (12 * 3600)))
    out = []
    for _ in range(count):
        kind = rng.choice(INCIDENT_KINDS)
        at = rng.uniform(start, end)
        length, metric, size = {
            "spike": (
                rng.uniform(60, 600),
                rng.choice(["cpu.usage", "http.latency.p95", "http.errors"]),
                rng.uniform(2.5, 6),
            ),
            "level_shift": (
                rng.uniform(2, 8) * 3600,
                rng.choice(["http.requests", "disk.io"]),
                rng.uniform(1.5, 2.5),
            ),
            "leak": (rng.uniform(3, 10) * 3600, "memory.used", rng.uniform(20, 40)),
            "dropout": (rng.uniform(120, 900), "", 0.0),
        }[kind]
        out.append(Incident(kind, at, at + length, metric, size))
    return out


#: The demo's script, every ``DEMO_CYCLE`` seconds from the start of live sending:
#: (host index, kind, metric, start offset s, length s, size). Each is what one seeded
#: rule catches (dashboards.demo): CPU held at 97 %, a host going silent, a latency spike,
#: a traffic surge.
DEMO_CYCLE = 2 * 3600.0
DEMO_SCRIPT = (
    (6, "pin", "cpu.usage", 120, 900, 97.0),
    (3, "dropout", "", 180, 600, 0.0),
    (1, "spike", "http.latency.p95", 240, 300, 5.0),
    (4, "pin", "http.requests", 300, 1800, 900.0),
)
#: A memory leak on host 2, three hours old when sending starts, daily: what the memory
#: forecast (and its breach rule) sees coming.
DEMO_LEAK = (2, "leak", "memory.used", -3 * 3600, 6 * 3600, 45.0)


def demo_incidents(index: int, live_start: float, end: float) -> tuple[Incident, ...]:
    """Host ``index``'s scripted incidents from ``live_start`` until ``end``."""
    out = []
    for script, period in ((DEMO_SCRIPT, DEMO_CYCLE), ((DEMO_LEAK,), DAY)):
        for host, kind, metric, offset, length, size in script:
            if host != index:
                continue
            at = live_start + offset
            while at < end:
                out.append(Incident(kind, at, at + length, metric, size))
                at += period
    return tuple(out)


def batch_for(hosts: list[HostSimulator], times: list[float]) -> dict:
    """The compact ingestion shape for these hosts at these times (dropouts skipped)."""
    series = []
    for host in hosts:
        columns: dict[str, list[list[float]]] = {m.name: [] for m in METRICS}
        for t in times:
            if host.dropped(t):
                continue
            for name, value in host.values(t).items():
                columns[name].append([round(t, 3), value])
        series += [
            {"name": name, "host": host.host, "labels": {"env": "demo"}, "points": pts}
            for name, pts in columns.items()
            if pts
        ]
    return {"series": series}
