"""Small builders for engine tests: in-memory series and one-line queries."""

from __future__ import annotations

from prom.promql import STALE_NAN, Engine, EngineOptions, MemoryStorage

STALE = "stale"


def storage(*series: tuple[str, dict, list]) -> MemoryStorage:
    """``("name", {labels}, [(seconds, value | "stale"), ...])`` for each series."""
    store = MemoryStorage()
    for name, labels, samples in series:
        ts = [round(t * 1000) for t, _ in samples]
        values = [STALE_NAN if v == STALE else float(v) for _, v in samples]
        store.add({"__name__": name, **labels}, ts, values)
    return store


def engine(*series: tuple[str, dict, list], **options) -> Engine:
    return Engine(storage(*series), EngineOptions(**options))


def instant(eng: Engine, query: str, at_s: float) -> dict:
    """{frozenset(labels): value} of an instant query's vector (or {None: value})."""
    data = eng.instant_query(query, round(at_s * 1000)).data()
    if data["resultType"] == "scalar":
        return {None: float(data["result"][1])}
    return {frozenset(s["metric"].items()): float(s["value"][1]) for s in data["result"]}


def labels(**kv: str) -> frozenset:
    return frozenset(kv.items())


def counter(start_s: float, end_s: float, step_s: float, per_step: float) -> list:
    """A counter rising by ``per_step`` every ``step_s`` seconds from 0."""
    n = int(round((end_s - start_s) / step_s)) + 1
    return [(start_s + i * step_s, i * per_step) for i in range(n)]
