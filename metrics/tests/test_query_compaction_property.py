"""Property: every aggregation, step and range answers the same before and after
compaction, and again after late points and re-sends land in compacted windows and are
merged by the next compaction (random data, random irregular timestamps)."""

from __future__ import annotations

import math

import numpy as np
import orjson
import pytest
from django.db import connection

from metrics.chunks.codec import WIDTH_US
from metrics.chunks.compact import compact_points
from metrics.ingest.batch import Batch
from metrics.models import Chunk, Series
from metrics.query.json_points import _points
from metrics.query.timeseries import Query, bucketed
from metrics.rollups import rollups_update
from metrics.selectors import oldest_unrolled
from metrics.services import points_ingest

pytestmark = pytest.mark.django_db
US = 1_000_000
NOW = 1_790_000_000 * US
BASE = (NOW // WIDTH_US) * WIDTH_US - 3 * WIDTH_US
AGGS = ("avg", "min", "max", "sum", "count", "last", "p95", "rate")
STEPS_S = (1, 7, 10, 60, 300, 3600, 7200, 6 * 3600, 86400)


def ingest(series: list[tuple[str, str]], sids: np.ndarray, ts: np.ndarray, values) -> None:
    batch = Batch(
        series=[(name, host, ()) for name, host in series],
        series_index=sids.tolist(),
        ts=ts.tolist(),
        values=list(values),
    )
    points_ingest(batch=batch)


def random_points(rng, n_series: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    sids = rng.integers(0, n_series, n)
    span = 4 * WIDTH_US
    regular = BASE + rng.integers(0, span // (10 * US), n) * 10 * US
    irregular = BASE + rng.integers(0, span, n)
    ts = np.where(rng.random(n) < 0.5, regular, irregular)
    values = np.round(rng.normal(50, 20, n), 2)
    values[rng.random(n) < 0.1] = 7.0  # repeats: ties for min/max/p95
    if connection.vendor == "postgresql":  # SQLite stores no NaN (ingestion skips it)
        values[rng.random(n) < 0.01] = np.nan
    return sids, ts, values


def random_cases(rng, count: int, aligned: bool) -> list[tuple[int, int, int, str]]:
    cases = []
    for _ in range(count):
        step = int(rng.choice(STEPS_S)) * US
        start = BASE - WIDTH_US // 2 + int(rng.integers(0, 5 * WIDTH_US))
        end = start + int(rng.integers(1, 3 * WIDTH_US))
        if aligned:
            start, end = (start // step) * step, -(-end // step) * step
        cases.append((start, end, step, str(rng.choice(AGGS))))
    return cases


def answers(ids: list[int], cases) -> list[dict]:
    """Each case answered twice: ``bucketed`` and the query API's JSON (``json_points``:
    SQL-built JSON on the hot tier, written from arrays on the compressed one)."""
    dirty = oldest_unrolled()
    out = []
    for start, end, step, agg in cases:
        query = Query(ids, start, end, step, agg, dirty_from_us=dirty)
        out.append(dict(bucketed(query)))
        out.append(orjson.loads(orjson.dumps({str(k): v for k, v in _points(query).items()})))
    return out


def same(a: float | None, b: float | None, agg: str) -> bool:
    a, b = (math.nan if v is None else v for v in (a, b))  # JSON: NaN is null
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if agg in ("avg", "sum", "rate"):  # summation order differs between tiers
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def assert_same(before: list[dict], after: list[dict], cases) -> None:
    doubled = [case for case in cases for _ in range(2)]  # bucketed, then the API's JSON
    for case, x, y in zip(doubled, before, after, strict=True):
        assert set(x) == set(y), case
        for sid in x:
            assert [p[0] for p in x[sid]] == [p[0] for p in y[sid]], (case, sid)
            bad = [
                (p, q) for p, q in zip(x[sid], y[sid], strict=True) if not same(p[1], q[1], case[3])
            ]
            assert not bad, (case, sid, bad[:3])


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("with_rollups", [False, True])
def test_answers_identical_before_and_after_compaction(seed, with_rollups):
    rng = np.random.default_rng(seed)
    names = [("cpu", f"h{i}") for i in range(3)]
    ingest(names, *random_points(rng, 3, 2_000))
    ingest(names, *random_points(rng, 3, 300))  # re-sends of some of the same timestamps
    if with_rollups:
        rollups_update()
    ids = list(Series.objects.order_by("host").values_list("pk", flat=True))
    # without rollups every range is exact; the rollup path reads whole buckets (aligned)
    cases = random_cases(rng, 60, aligned=with_rollups)

    before = answers(ids, cases)
    assert compact_points(older_than_us=2 * 3600 * US, now_us=NOW).units > 0
    assert_same(before, answers(ids, cases), cases)

    late_sids, late_ts, late_values = random_points(rng, 3, 200)
    ingest(names, late_sids, late_ts, late_values + 1000)  # late points and overwrites
    if with_rollups:
        rollups_update()
    with_late = answers(ids, cases)
    assert with_late != before
    compact_points(older_than_us=2 * 3600 * US, now_us=NOW)
    if with_rollups:
        rollups_update()
    assert_same(with_late, answers(ids, cases), cases)
    assert Chunk.objects.exists()
