"""Overview sparklines: windows, polylines that map back to the values, one query, cache."""

from __future__ import annotations

import orjson
import pytest

from metrics.models import Rollup1h, Rollup1m, Series
from metrics.rollups import rollups_update
from metrics.sparklines import HEIGHT, PAD, POINTS, WIDTH, sparklines, window_for

pytestmark = pytest.mark.django_db
US = 1_000_000


def ingest(api, name: str, host: str, points: list) -> Series:
    body = {"series": [{"name": name, "host": host, "points": points}]}
    response = api.post("/api/v1/metrics/", orjson.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return Series.objects.get(name=name, host=host)


def latest(*series: Series) -> dict:
    return {
        s.pk: (s.last_ts, s.last_value)
        for s in Series.objects.with_latest().filter(pk__in=[s.pk for s in series])
    }


def decode(points: str, lo: float, hi: float, start_us: int, end_us: int) -> list[tuple]:
    """What overview.js does: polyline coordinates back to (µs, value)."""
    out = []
    for pair in points.split():
        x, y = (int(n) for n in pair.split(","))
        value = lo + (HEIGHT - PAD - y) / (HEIGHT - 2 * PAD) * (hi - lo)
        out.append((start_us + x / WIDTH * (end_us - start_us), value))
    return out


@pytest.mark.parametrize(
    ("seconds", "width"),
    [(900, Rollup1m.WIDTH_US), (3600, Rollup1m.WIDTH_US), (6 * 3600, Rollup1m.WIDTH_US),
     (7 * 86400, Rollup1h.WIDTH_US)],
)  # fmt: skip
def test_a_window_has_about_30_buckets_of_whole_rollup_buckets(seconds, width):
    end = 1_795_000_000 * US + 12_345
    w = window_for(end - seconds * US, end)
    assert w.step_us % width == 0
    assert w.start_us % w.step_us == 0 and w.start_us <= end - seconds * US
    assert POINTS - 2 <= (end - w.start_us) / w.step_us <= POINTS + 2 or w.step_us == width


def test_the_polyline_maps_back_to_the_averages_and_ends_at_the_latest_value(api, now):
    now_us = now * US
    # an hour of 10 s points rising then falling, rolled up; then one fresh unrolled point
    stamps = [now - 3600 + i * 10 for i in range(360)]
    values = [float(min(i, 360 - i)) for i in range(360)]
    cpu = ingest(api, "cpu.usage", "web-1", [list(p) for p in zip(stamps, values, strict=True)])
    rollups_update()
    cpu = ingest(api, "cpu.usage", "web-1", [[now, 7.0]])
    window, sparks = sparklines(latest=latest(cpu), start_us=now_us - 3600 * US, end_us=now_us)
    step = window.step_us // US
    averages = {}
    for b in range(window.start_us // US, now, step):
        bucket = [v for t, v in zip(stamps, values, strict=True) if b <= t < b + step]
        if bucket:
            averages[b] = sum(bucket) / len(bucket)
    spark = sparks[cpu.pk]
    expected = [*averages.values(), 7.0]
    assert (spark.lo, spark.hi) == (pytest.approx(min(expected)), pytest.approx(max(expected)))
    pairs = [tuple(int(n) for n in p.split(",")) for p in spark.points.split()]
    assert len(pairs) == len(expected)
    assert all(0 <= x <= WIDTH and PAD <= y <= HEIGHT - PAD for x, y in pairs)
    assert pairs[-1][0] == WIDTH  # the latest point closes the line at "now"
    decoded = decode(spark.points, spark.lo, spark.hi, window.start_us, window.end_us)
    tolerance = (spark.hi - spark.lo) / (HEIGHT - 2 * PAD)  # one unit of the box
    for (ts, value), (start, average) in zip(decoded, averages.items(), strict=False):
        assert ts / US == pytest.approx(start, abs=window.seconds / WIDTH)
        assert value == pytest.approx(average, abs=tolerance)
    assert decoded[-1][1] == pytest.approx(7.0, abs=tolerance)


def test_a_flat_series_is_a_flat_line_and_a_silent_one_is_empty(api, now):
    flat = ingest(api, "memory.used", "web-1", [[now - 600 + i * 60, 5.0] for i in range(10)])
    rollups_update()
    silent = Series.objects.create(name="cpu.usage", host="web-2")
    _, sparks = sparklines(latest=latest(flat, silent), start_us=(now - 3600) * US, end_us=now * US)
    assert {p.split(",")[1] for p in sparks[flat.pk].points.split()} == {str(HEIGHT // 2)}
    assert sparks[silent.pk].points == ""


def test_one_query_for_all_series_then_none_from_the_cache(api, now, django_assert_num_queries):
    many = [
        ingest(api, "cpu.usage", f"h{i}", [[now - 300, 1.0], [now - 200, 2.0]]) for i in range(20)
    ]
    rollups_update()
    args = {"start_us": (now - 3600) * US, "end_us": now * US, "latest": latest(*many)}
    with django_assert_num_queries(1):
        _, cold = sparklines(**args)
    with django_assert_num_queries(0):
        _, warm = sparklines(**args)
    assert warm == cold and len(cold) == 20
    extra = ingest(api, "cpu.usage", "h-new", [[now - 300, 1.0], [now - 200, 3.0]])
    rollups_update()
    args["latest"] = latest(*many, extra)
    with django_assert_num_queries(1):  # only the new series is read
        _, mixed = sparklines(**args)
    assert mixed[extra.pk].points and mixed[many[0].pk] == cold[many[0].pk]


def test_no_series_costs_no_query(django_assert_num_queries, now):
    with django_assert_num_queries(0):
        assert sparklines(latest={}, start_us=(now - 3600) * US, end_us=now * US)[1] == {}


def test_while_one_render_computes_a_window_the_others_show_the_previous_one(
    api, now, django_assert_num_queries
):
    from django.core.cache import cache

    from metrics.sparklines import REFRESH_S, _cache_key

    cpu = ingest(api, "cpu.usage", "web-1", [[now - 300, 1.0], [now - 200, 2.0]])
    rollups_update()
    end = now * US
    earlier = end - REFRESH_S * US
    args = {"latest": latest(cpu), "start_us": earlier - 3600 * US}
    _, previous = sparklines(end_us=earlier, **args)  # the last window, cached
    args["start_us"] = end - 3600 * US
    cache.add(f"{_cache_key(args['start_us'], end, True)}:computing", 1)  # someone is on it
    with django_assert_num_queries(0):
        _, shown = sparklines(end_us=end, **args)
    assert shown == previous
    cache.delete(f"{_cache_key(args['start_us'], end, True)}:computing")
    with django_assert_num_queries(1):  # nobody computing: this render does
        sparklines(end_us=end, **args)


def counter_points(now: int, reset_at: int, until: int) -> list[list[float]]:
    """10 s points growing 2 per second from an hour ago; a restart at ``reset_at`` sets the
    value back to 0."""
    stamps = range(now - 3700, until + 1, 10)
    return [
        [t, 1e4 + 2.0 * (t - stamps[0]) if t < reset_at else 2.0 * (t - reset_at)] for t in stamps
    ]


def test_a_counter_is_drawn_as_its_rate_across_a_reset_and_a_partly_rolled_up_minute(api, now):
    window = window_for((now - 3600) * US, now * US)
    reset_at = window.start_us // US + 10 * window.step_us // US  # a bucket's start
    minute = (now - 400) // 60 * 60
    split = next(t for t in range(now - 3700, now, 10) if t >= minute + 5)  # early in a minute
    points = counter_points(now, reset_at, now)
    before = [p for p in points if p[0] <= split]
    total = ingest(api, "requests.total", "web-1", before)
    Series.objects.filter(pk=total.pk).update(type="counter")
    rollups_update()  # the minute of ``split`` is rolled up only up to it
    ingest(api, "requests.total", "web-1", [p for p in points if p[0] > split])
    _, sparks = sparklines(
        latest=latest(total), start_us=(now - 3600) * US, end_us=now * US, counters={total.pk}
    )
    spark = sparks[total.pk]
    rates = [v for _, v in decode(spark.points, spark.lo, spark.hi, window.start_us, now * US)]
    assert len(rates) >= 25
    # 2/s throughout: the reset is no negative spike, the partial minute no dip; the bucket
    # of the reset loses the few seconds before it, as Prometheus's rate() does
    assert spark.lo >= 1.8 and spark.hi <= 2.1, (spark.lo, spark.hi)
    assert spark.rate == pytest.approx(2.0, rel=0.05)
    assert spark.points.split()[-1].startswith(f"{WIDTH},")  # the latest value closes it
    assert spark.hi < 100  # not the counter's value


def test_a_counter_with_no_finished_minute_has_no_line_yet(api, now):
    fresh = ingest(api, "requests.total", "web-2", [[now - 20, 5.0], [now - 10, 9.0]])
    Series.objects.filter(pk=fresh.pk).update(type="counter")
    rollups_update()
    args = {"start_us": (now - 3600) * US, "end_us": now * US, "counters": {fresh.pk}}
    spark = sparklines(latest=latest(fresh), **args)[1][fresh.pk]
    assert (spark.points, spark.rate) == ("", None)
