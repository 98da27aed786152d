"""Hydra's /prometheus API against a real Prometheus 2.42 on the same data: Prometheus
scrapes node_exporter and itself every second and remote-writes everything to a live Hydra
(daphne); after ~75 s every expression of ``promql_expressions`` runs as an instant and a
range query on both, and the calls Grafana's Prometheus data source makes are compared too.
Same series and labels, same timestamps, values equal within 1e-9 relative."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from conftest import make_user, start_daphne_process
from core.tests.helpers import free_port
from prom.tests import promql_expressions as exprs
from prom.tests.programs import node_exporter, own_metric, prometheus, require_programs

# The live tests use no database in this process: an open test transaction would lock
# daphne out of SQLite. The first test's mark makes pytest-django create the test database;
# the data daphne writes is flushed at the end of the module.
pytestmark = pytest.mark.slow
DATA_S = 75
RTOL = 1e-9


def config(target: str, itself: str, hydra: str, token: str) -> dict:
    return {
        "global": {"scrape_interval": "1s", "scrape_timeout": "900ms"},
        "scrape_configs": [
            {"job_name": "node", "static_configs": [{"targets": [target]}]},
            {"job_name": "prometheus", "static_configs": [{"targets": [itself]}]},
        ],
        "remote_write": [
            {
                "url": f"{hydra}/api/v1/write",
                "authorization": {"credentials": token},
                "queue_config": {"batch_send_deadline": "500ms", "max_samples_per_send": 5000},
                "metadata_config": {"send_interval": "2s"},
            }
        ],
    }


class Live:
    """Both servers and the evaluation time ``at`` (seconds) up to which Hydra has it all."""

    def __init__(self, prom: str, hydra: str, token: str, at: float) -> None:
        self.prom, self.hydra, self.at = prom, hydra, at
        self.client = httpx.Client(timeout=60)
        self.auth = {"Authorization": f"Bearer {token}"}

    def both(self, path: str, params: dict, method: str = "GET") -> tuple[httpx.Response, ...]:
        theirs = self.client.request(method, f"{self.prom}/api/v1/{path}", **_args(method, params))
        ours = self.client.request(
            method,
            f"{self.hydra}/prometheus/api/v1/{path}",
            headers=self.auth,
            **_args(method, params),
        )
        return theirs, ours


def _args(method: str, params: dict) -> dict:
    return {"params": params} if method == "GET" else {"data": params}


def _wait_all_sent(base: str, cut_s: float, timeout: float = 30) -> None:
    """Until every shard has sent past ``cut_s`` (scrapes go on: something is always
    pending, so wait for the highest sent timestamp to pass the cut by a margin)."""
    deadline = time.monotonic() + timeout
    sent = 0.0
    while time.monotonic() < deadline:
        sent = own_metric(base, "prometheus_remote_storage_queue_highest_sent_timestamp_seconds")
        if sent >= cut_s + 3:
            time.sleep(1)
            return
        time.sleep(0.3)
    failed = own_metric(base, "prometheus_remote_storage_samples_failed_total")
    raise TimeoutError(f"Prometheus did not send everything: sent up to {sent}, {failed} failed")


@pytest.fixture(scope="module")
def live(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Live]:
    require_programs()
    with django_db_blocker.unblock():  # daphne forks from here: it must not inherit the block
        if not _on_test_database():
            pytest.skip("run with test_at_least_80_expressions_cover_the_language (test database)")
        from core.services import api_token_create

        writer = api_token_create(user=make_user("prometheus", "editor"))[1]
        reader = api_token_create(user=make_user("grafana", "viewer"), read_only=True)[1]
        process, hydra = start_daphne_process(extra_setup=_unthrottled)
        try:
            yield from _run(hydra, (writer, reader), tmp_path_factory.mktemp("prometheus"))
        finally:
            process.terminate()
            process.join(10)
            from django.core.management import call_command

            call_command("flush", interactive=False, verbosity=0)


def _unthrottled() -> None:
    """In the server: the comparison sends a few hundred queries as fast as it can."""
    from rest_framework.settings import api_settings

    api_settings.DEFAULT_THROTTLE_RATES["token"] = "100000/s"


def _on_test_database() -> bool:
    """pytest-django made the test database (it does when a collected test needs it)."""
    from django.db import connection

    return Path(str(connection.settings_dict["NAME"])).name.startswith("test")


def _run(hydra: str, tokens: tuple[str, str], workdir) -> Iterator[Live]:
    itself = f"127.0.0.1:{free_port()}"
    with (
        node_exporter() as (_, target),
        prometheus(config(target, itself, hydra, tokens[0]), workdir, address=itself) as base,
    ):
        time.sleep(DATA_S)
        cut = time.time() - 1.5
        _wait_all_sent(base, cut)
        yield Live(base, hydra, tokens[1], round(cut, 3))


def _close(a: str, b: str) -> bool:
    x, y = float(a), float(b)
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return x == y or abs(x - y) <= RTOL * max(abs(x), abs(y))


def _points(item: dict) -> list:
    return item["values"] if "values" in item else [item["value"]]


def _differences(expr: str, theirs: dict, ours: dict) -> str | None:
    """None when both ``data`` objects agree, else what differs."""
    if theirs["resultType"] != ours["resultType"]:
        return f"type {theirs['resultType']} != {ours['resultType']}"
    if theirs["resultType"] in ("scalar", "string"):
        (t1, v1), (t2, v2) = theirs["result"], ours["result"]
        return None if t1 == t2 and _close(v1, v2) else f"{theirs['result']} != {ours['result']}"
    if expr.startswith(("topk", "bottomk")):
        return _selected_values_differ(theirs, ours)
    keys = [frozenset(s["metric"].items()) for s in theirs["result"]]
    mine = [frozenset(s["metric"].items()) for s in ours["result"]]
    if set(keys) != set(mine):
        return f"series differ: only Prometheus {set(keys) - set(mine)}, only Hydra {set(mine) - set(keys)}"
    if expr.startswith(exprs.ORDERED) and "values" not in (theirs["result"] or [{}])[0]:
        order = [_points(s)[0][1] for s in theirs["result"]]  # Go's sort is unstable: ties
        mine_order = [_points(s)[0][1] for s in ours["result"]]  # may come in any order
        if order != mine_order:
            return f"order differs: {order} != {mine_order}"
    by_key = {frozenset(s["metric"].items()): _points(s) for s in ours["result"]}
    for key, item in zip(keys, theirs["result"], strict=True):
        a, b = _points(item), by_key[key]
        if [t for t, _ in a] != [t for t, _ in b]:
            return f"timestamps differ for {dict(key)}"
        if not all(_close(x, y) for (_, x), (_, y) in zip(a, b, strict=True)):
            return f"values differ for {dict(key)}: {a[:3]} vs {b[:3]}"
    return None


def _selected_values_differ(theirs: dict, ours: dict) -> str | None:
    """topk/bottomk: among equal values at the k-th place Prometheus keeps any of them (a
    heap), so which series are kept may differ; the values kept at each step may not."""

    def by_time(data: dict) -> dict:
        out: dict = {}
        for item in data["result"]:
            for t, v in _points(item):
                out.setdefault(t, []).append(float(v))
        return {t: sorted(vs) for t, vs in out.items()}

    a, b = by_time(theirs), by_time(ours)
    if sorted(a) != sorted(b):
        return "steps differ"
    for t, values in a.items():
        if len(values) != len(b[t]) or not all(
            _close(x, y) for x, y in zip(values, b[t], strict=True)
        ):
            return f"values kept at {t} differ: {values} vs {b[t]}"
    return None


def _compare(live: Live, expr: str, params: dict, path: str) -> str | None:
    theirs, ours = live.both(path, {"query": expr, **params})
    if theirs.status_code != 200:
        return f"Prometheus answered {theirs.status_code}: {theirs.text[:200]}"
    if ours.status_code != 200:
        return f"Hydra answered {ours.status_code}: {ours.text[:300]}"
    return _differences(expr, theirs.json()["data"], ours.json()["data"])


@pytest.mark.django_db
def test_at_least_80_expressions_cover_the_language():
    assert len(exprs.EXPRESSIONS) + len(exprs.MATRIX) >= 80


def test_every_expression_answers_as_prometheus_instant_and_range(live):
    at = live.at
    failures, empty = [], []
    for expr in exprs.EXPRESSIONS + exprs.MATRIX:
        problem = _compare(live, expr, {"time": at}, "query")
        if problem:
            failures.append(f"instant {expr}: {problem}")
        elif not live.both("query", {"query": expr, "time": at})[0].json()["data"]["result"]:
            empty.append(expr)
        if expr in exprs.MATRIX:
            continue
        ranged = {"start": at - 60, "end": at, "step": "10"}
        problem = _compare(live, expr, ranged, "query_range")
        if problem:
            failures.append(f"range {expr}: {problem}")
    assert not failures, "\n".join(failures)
    assert len(empty) <= 5, empty  # the comparisons are about data, not empty answers


def _grafana_range(at: float, seconds: int, step: int) -> dict:
    """Grafana aligns start and end down to a multiple of the step."""
    end = math.floor(at / step) * step
    return {"start": math.floor((at - seconds) / step) * step, "end": end, "step": step}


def _diff(theirs: httpx.Response, ours: httpx.Response) -> str:
    a, b = theirs.json().get("data"), ours.json().get("data")
    if ours.status_code == 200 and isinstance(a, list) and isinstance(b, list):
        only_a, only_b = [x for x in a if x not in b], [x for x in b if x not in a]
        return f"only Prometheus: {only_a[:20]}, only Hydra: {only_b[:20]}"
    return f"{ours.status_code} {ours.text[:300]} != {theirs.text[:300]}"


def test_grafanas_data_source_calls_answer_as_prometheus(live):
    end = int(live.at)
    window = {"start": end - 3600, "end": end}
    calls = [
        ("labels", window, "GET"),
        ("labels", {**window, "match[]": "node_load1"}, "POST"),
        ("label/__name__/values", window, "GET"),
        ("label/mode/values", {**window, "match[]": "node_cpu_seconds_total"}, "GET"),
        ("label/job/values", {**window, "match[]": '{__name__="up"}'}, "GET"),
        ("series", {**window, "match[]": "node_cpu_seconds_total"}, "GET"),
        ("series", {**window, "match[]": ["up", 'node_load1{job="node"}']}, "POST"),
        ("metadata", {"metric": "node_load1"}, "GET"),
        ("metadata", {"metric": "node_cpu_seconds_total"}, "GET"),
        ("metadata", {"metric": "prometheus_http_request_duration_seconds"}, "GET"),
        ("query", {"query": "sum(up)", "time": end}, "POST"),
    ]
    for query in ("sum by (mode) (rate(node_cpu_seconds_total[1m]))", "node_load1"):
        for seconds, step in ((300, 15), (3600, 15), (90, 1)):
            calls.append(
                ("query_range", {"query": query, **_grafana_range(live.at, seconds, step)}, "POST")
            )
    failures = []
    for path, params, method in calls:
        theirs, ours = live.both(path, params, method)
        assert theirs.status_code == 200, (path, theirs.text)
        if ours.status_code != 200 or ours.json() != theirs.json():
            if path.startswith("query") and ours.status_code == 200:
                problem = _differences("", theirs.json()["data"], ours.json()["data"])
                if problem is None:
                    continue
            failures.append(f"{method} {path} {params}: {_diff(theirs, ours)}")
    theirs, ours = live.both("status/buildinfo", {})
    assert ours.json()["data"]["version"] == "2.42.0"
    assert theirs.json()["data"]["version"].startswith("2.42.0")  # Debian's: 2.42.0+ds
    assert not failures, "\n".join(failures)
