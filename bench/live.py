"""Live dashboard benchmark: server-side page renders and ingest → websocket latency.

Usage (from the repository root; PostgreSQL at 127.0.0.1:5432 with trust auth, Redis at
127.0.0.1:6379)::

    .venv/bin/python bench/live.py [--hosts 200] [--rate 5000] [--batch 500] [--seconds 20]
        [--clients 20] [--requests 50] [--keep] [--py-spy /tmp/prof-venv/bin/py-spy]
        [--json out.json] [--counters]

Method, in one invocation:

1. drops and recreates the bench database (``--database-url``), migrates it, creates a
   user (``ensure_admin``) and an API token, and starts daphne on a free 127.0.0.1 port in
   full mode (``REDIS_URL`` set, no embedded scheduler, throttle raised to 100000/s);
2. loads ``--hosts`` hosts × 10 series (``cpu.usage``, ``memory.used``,
   ``http.latency.p95`` and 7 others) with one hour of 10 s points ending now through the
   HTTP API (compact JSON, time-major like agents: every series with a few minutes per
   request, ~36k points each, 2 connections), except the last minute; runs the rollup job
   in-process; then loads the last minute, so the pages see the steady state where the
   rollup job (every 60 s) is up to a minute behind; ANALYZE. With ``--counters`` the three
   key metrics are growing counters typed ``counter``, so the overview's sparklines are
   their per-second rates;
3. page renders, server-side: ``--requests`` timed GETs (after 3 warm-ups) of the
   overview ``/`` and the host page ``/hosts/host-000/`` over HTTP against daphne with a
   session logged in through ``/login/``; then the same in-process through Django's test
   ``Client`` (``force_login``), and once under ``CaptureQueriesContext`` to print each
   page's SQL query count and SQL time. The overview filtered to 10 hosts
   (``/?q=host-00``) must cost the same number of queries as the full 200 (no N+1). The
   overview caches its rendered grid for 5 s (keyed by filters, range and alert statuses),
   its sparklines for 30 s and the ingestion rate for 10 s, so most renders hit a cache: a
   last in-process row renders it with every cache missing;
4. live latency: ``--clients`` websocket clients connect to ``/ws/live/`` with the session
   cookie; client ``c`` subscribes to ``series:<id>`` for the 10 series of hosts
   ``c, c+20, c+40, …`` and ``host:<h>`` for hosts ``10c … 10c+9``, so every series is
   watched twice (by a series topic and a host topic). Then ``--rate`` points/s are
   ingested for ``--seconds`` s: every 1/(rate/batch) s one request with one point for
   each of ``--batch`` series (the series rotate so each gets a point every
   series/batch requests), the point's timestamp being the send time (µs). Requests are
   scheduled on a fixed clock (open model, up to 4 in flight). For every point a client
   receives, latency = receive time − the point's own timestamp: ingest request, commit,
   publish through channels_redis, consumer, websocket. A real browser adds its
   JSON.parse and Plotly ``extendTraces`` (a few ms) on top. Every sent point of a watched
   series must arrive on both its series topic and its host topic (loss check);
5. prints a markdown table with the machine (nproc, CPU, PostgreSQL, load average) and
   PASS/FAIL per target; always stops daphne and drops the database (unless ``--keep``).

Targets (from the issue): overview and host page p95 ≤ 100 ms server-side (HTTP through
daphne; query counts pinned), ingest → client p95 ≤ 500 ms at 5,000 points/s with 20
clients, no update lost. With ``--py-spy``, daphne is sampled during the HTTP render and
the live phases and the top functions are printed. Figures are noisy on a shared 2-core
machine where the clients, daphne, PostgreSQL and Redis share the cores.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import orjson
import psycopg
import redis
from _server import (  # noqa: E402,I001  (bench/ is on sys.path when run as a script)
    HOST,
    ROOT,
    admin_dsn,
    daphne_start,
    daphne_stop,
    database_drop,
    database_recreate,
    free_port,
    machine_info,
    manage,
    wait_healthy,
)
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

STEP_S = 10
HISTORY_S = 3600
KEY_METRICS = ("cpu.usage", "memory.used", "http.latency.p95")
OTHER_METRICS = (
    "cpu.load1",
    "disk.used",
    "disk.io.read",
    "net.rx.bytes",
    "net.tx.bytes",
    "http.requests",
    "process.count",
)
METRICS = KEY_METRICS + OTHER_METRICS
LOAD_POINTS_PER_REQUEST = 36_000
UNROLLED_S = 60
WARM_UPS = 3
SENDERS = 8
DRAIN_S = 10.0
TARGET_RENDER_P95_MS = 100
TARGET_LIVE_P95_MS = 500
PAGES = {"overview": "/", "host page": "/hosts/host-000/"}


# --------------------------------------------------------------------------- results


def pct(samples: list[float], q: float) -> float:
    return float(np.percentile(samples, q)) if samples else float("nan")


@dataclass
class Render:
    label: str
    samples_ms: list[float]
    queries: int | None = None
    sql_ms: float | None = None
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return pct(self.samples_ms, 95)


@dataclass
class Live:
    clients: int
    topics: int
    points_sent: int
    batches: int
    failed_batches: int
    seconds: float
    post_ms: list[float]
    lag_ms: list[float]
    latency_ms: list[float]
    series_ms: list[float]
    host_ms: list[float]
    messages: int
    missing_series: int
    missing_host: int
    unexpected: int
    load_after: tuple[float, float, float]
    target_rate: int
    closed: list[str]

    @property
    def rate(self) -> float:
        return self.points_sent / self.seconds


@dataclass
class Report:
    machine: dict
    args: dict
    renders: list[Render] = field(default_factory=list)
    live: Live | None = None
    info: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    profiles: dict[str, list[str]] = field(default_factory=dict)


# --------------------------------------------------------------------------- arguments


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--database-url",
        default="postgres://postgres:postgres@127.0.0.1:5432/hydra_live_bench",
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/5")
    p.add_argument("--hosts", type=int, default=200)
    p.add_argument("--rate", type=int, default=5_000, help="points/s during the live phase")
    p.add_argument("--batch", type=int, default=500, help="points (series) per live request")
    p.add_argument("--seconds", type=float, default=20, help="live phase duration")
    p.add_argument("--clients", type=int, default=20, help="websocket clients")
    p.add_argument("--requests", type=int, default=50, help="timed GETs per page")
    p.add_argument("--py-spy", type=Path, help="sample daphne with this py-spy binary")
    p.add_argument("--keep", action="store_true", help="keep the bench database")
    p.add_argument("--json", type=Path, help="write the results here")
    p.add_argument(
        "--counters", action="store_true", help="the key metrics are counters (rate sparklines)"
    )
    return p.parse_args()


# --------------------------------------------------------------------------- machine


# --------------------------------------------------------------------------- database


def analyze(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


def table_sizes(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return dict(
            conn.execute(
                "SELECT 'points', count(*) FROM metrics_point UNION ALL "
                "SELECT 'series', count(*) FROM metrics_series UNION ALL "
                "SELECT 'rollup1m', count(*) FROM metrics_rollup1m"
            ).fetchall()
        )


# --------------------------------------------------------------------------- server


TAG = f"hydra-live-bench-{os.getpid()}"  # cache and channel-layer key prefix in Redis


def redis_cleanup(url: str) -> None:
    """Delete this run's keys (live presence marks live 24 h, channel groups)."""
    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{TAG}*", count=1000):
        client.delete(key)


def server_env(args: argparse.Namespace, data_dir: str) -> dict[str, str]:
    tag = TAG
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hydra.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "HYDRA_DATA_DIR": data_dir,
        "HYDRA_API_THROTTLE_RATE": "100000/s",
        "HYDRA_EMBEDDED_SCHEDULER": "false",
        "HYDRA_ADMIN_USER": "bench",
        "HYDRA_ADMIN_PASSWORD": secrets.token_urlsafe(16),
        "HYDRA_CACHE_PREFIX": tag,
        "HYDRA_CHANNEL_PREFIX": tag,
        "HYDRA_LOG_LEVEL": "WARNING",
        "DEBUG": "false",
    }


@dataclass
class Server:
    port: int
    token: str
    url: str
    user: str
    password: str
    proc: subprocess.Popen
    cookie: str = ""

    def api_headers(self) -> dict:
        return {"Authorization": f"Token {self.token}", "Content-Type": "application/json"}


def cookies(resp: http.client.HTTPResponse) -> dict[str, str]:
    jar = SimpleCookie()
    for header in resp.headers.get_all("Set-Cookie") or []:
        jar.load(header)
    return {k: m.value for k, m in jar.items()}


def login(server: Server) -> str:
    """Log in through the form like a browser; returns the ``Cookie`` header value."""
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        conn.request("GET", "/login/")
        resp = conn.getresponse()
        resp.read()
        csrf = cookies(resp)["csrftoken"]
        form = urlencode(
            {"username": server.user, "password": server.password, "csrfmiddlewaretoken": csrf}
        )
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={csrf}",
        }
        conn.request("POST", "/login/", body=form, headers=headers)
        resp = conn.getresponse()
        resp.read()
        session = cookies(resp).get("sessionid")
    finally:
        conn.close()
    if resp.status != 302 or not session:
        raise SystemExit(f"login failed: HTTP {resp.status}")
    return f"csrftoken={csrf}; sessionid={session}"


# --------------------------------------------------------------------------- data


def host_names(n: int) -> list[str]:
    return [f"host-{i:03d}" for i in range(n)]


def history_values(rng: np.random.Generator, metric: str, n: int) -> np.ndarray:
    scale = {"memory.used": 8e9, "net.rx.bytes": 1e6, "net.tx.bytes": 1e6, "disk.used": 5e10}
    base = scale.get(metric, 50.0)
    walk = np.cumsum(rng.normal(0, base * 0.01, n))
    return np.round(np.abs(base * 0.5 + walk), 3)


def history(
    hosts: list[str], end_s: int, counters: bool = False
) -> tuple[list[tuple[str, str]], list[int], np.ndarray]:
    """(series as (host, metric), timestamps, values[series, time]) for the last hour; with
    ``counters``, the key metrics are growing counters (their running totals)."""
    stamps = list(range(end_s - HISTORY_S + STEP_S, end_s + 1, STEP_S))
    rng = np.random.default_rng(42)
    series = [(h, m) for h in hosts for m in METRICS]
    values = np.vstack([history_values(rng, m, len(stamps)) for _, m in series])
    if counters:
        keys = np.array([m in KEY_METRICS for _, m in series])
        values[keys] = np.round(np.cumsum(values[keys], axis=1), 3)
    return series, stamps, values


def type_counters(url: str) -> None:
    """The key metrics typed ``counter`` (as Prometheus metadata would): the overview then
    draws their sparklines as rates."""
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            "UPDATE metrics_series SET type = 'counter' WHERE name = ANY(%s)", [list(KEY_METRICS)]
        )


def load_bodies(series: list, stamps: list[int], values: np.ndarray, j0: int, j1: int):
    """Points j0..j1 of every series, time-major as agents send them (~36k points each)."""
    per_request = max(1, LOAD_POINTS_PER_REQUEST // len(series))
    bodies = []
    for a in range(j0, j1, per_request):
        b = min(a + per_request, j1)
        block = values[:, a:b].tolist()
        body = [
            {"name": m, "host": h, "labels": {}, "points": list(zip(stamps[a:b], row, strict=True))}
            for (h, m), row in zip(series, block, strict=True)
        ]
        bodies.append(orjson.dumps({"series": body}))
    return bodies


def post_all(server: Server, bodies: list[bytes], clients: int = 2) -> list[tuple[int, bytes]]:
    """POST every body over ``clients`` keep-alive connections."""
    todo, lock, out = iter(range(len(bodies))), threading.Lock(), [(0, b"")] * len(bodies)

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, server.port, timeout=300)
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                break
            conn.request("POST", "/api/v1/metrics/", body=bodies[i], headers=server.api_headers())
            resp = conn.getresponse()
            out[i] = (resp.status, resp.read())
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def load(server: Server, bodies: list[bytes]) -> dict:
    started = time.perf_counter()
    replies = post_all(server, bodies)
    seconds = time.perf_counter() - started
    bad = [(s, b[:300]) for s, b in replies if s != 201]
    if bad:
        raise SystemExit(f"history load: {len(bad)} requests failed, first: {bad[0]}")
    points = sum(orjson.loads(b)["accepted"] for _, b in replies)
    return {"points": points, "requests": len(bodies), "seconds": seconds}


# --------------------------------------------------------------------------- in-process Django


def django_setup(env: dict) -> None:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def rollups_in_process() -> dict:
    from metrics.rollups import rollups_update

    started = time.perf_counter()
    n = rollups_update()
    return {"series": n, "seconds": time.perf_counter() - started}


def django_close() -> None:
    from django.db import connections

    for conn in connections.all():
        close_pool = getattr(conn, "close_pool", None)
        if close_pool:
            close_pool()
        conn.close()


def in_process_client(user: str):
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=user))
    return client


def count_queries(client, path: str) -> tuple[int, float]:
    """(SQL queries, SQL ms) of one GET."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        status = client.get(path).status_code
    if status != 200:
        raise SystemExit(f"in-process GET {path}: HTTP {status}")
    return len(ctx.captured_queries), 1000 * sum(float(q["time"]) for q in ctx.captured_queries)


def timed_in_process(client, path: str, n: int) -> list[float]:
    samples = []
    for i in range(n + WARM_UPS):
        started = time.perf_counter()
        status = client.get(path).status_code
        elapsed = 1000 * (time.perf_counter() - started)
        if status != 200:
            raise SystemExit(f"in-process GET {path}: HTTP {status}")
        if i >= WARM_UPS:
            samples.append(elapsed)
    return samples


def renders_in_process(user: str, n: int) -> list[Render]:
    client = in_process_client(user)
    out = []
    for label, path in PAGES.items():
        samples = timed_in_process(client, path, n)
        client.get(path)  # the caches as a steady stream of renders sees them
        queries, sql_ms = count_queries(client, path)
        out.append(Render(f"{label} `{path}`, in-process", samples, queries, sql_ms))
    with cold_caches():
        samples = timed_in_process(client, "/", n)
        queries, sql_ms = count_queries(client, "/")
        few, _ = count_queries(client, "/?q=host-00")
    note = f"same as 10 hosts (`/?q=host-00`: {few})" if few == queries else f"10 hosts: {few}!"
    out.append(
        Render(
            "overview `/`, in-process, caches cold",
            samples,
            queries,
            sql_ms,
            f"grid, sparklines and ingestion rate computed at every render (as the first "
            f"render of each 5 s / 30 s does); {note}",
        )
    )
    return out


@contextmanager
def cold_caches():
    """The overview's caches (grid, sparklines, ingestion rate) always missing."""
    from django.core.cache.backends.dummy import DummyCache

    from dashboards import selectors, views
    from metrics import sparklines

    saved = sparklines.cache, selectors.cache, views.cache
    dummy = DummyCache("cold", {})
    sparklines.cache = selectors.cache = views.cache = dummy
    try:
        yield
    finally:
        sparklines.cache, selectors.cache, views.cache = saved


# --------------------------------------------------------------------------- HTTP renders


def page_check(label: str, body: bytes, hosts: int) -> None:
    if label == "overview":
        found = body.count(b'class="card host-card')
        expected = hosts
    else:
        found, expected = body.count(b'class="hydra-chart'), len(METRICS)
    if found != expected:
        raise SystemExit(f"{label}: {found} cards/charts in the page, expected {expected}")


def timed_http(server: Server, label: str, path: str, n: int, hosts: int) -> Render:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
    headers = {"Cookie": server.cookie}
    samples = []
    try:
        for i in range(n + WARM_UPS):
            started = time.perf_counter()
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            body = resp.read()
            elapsed = 1000 * (time.perf_counter() - started)
            if resp.status != 200:
                raise SystemExit(f"GET {path}: HTTP {resp.status}")
            if i == 0:
                page_check(label, body, hosts)
            if i >= WARM_UPS:
                samples.append(elapsed)
    finally:
        conn.close()
    return Render(f"{label} `{path}`, HTTP via daphne", samples, note=f"{len(body):,} bytes")


# --------------------------------------------------------------------------- profiling


class Sampler:
    """py-spy on daphne for one phase (raw collapsed stacks), summarised afterwards."""

    def __init__(self, py_spy: Path | None, pid: int, out: Path) -> None:
        self.proc, self.out = None, out
        if py_spy:
            cmd = [str(py_spy), "record", "-p", str(pid), "-r", "200", "-f", "raw"]
            self.proc = subprocess.Popen(
                [*cmd, "-o", str(out), "--nonblocking"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)

    def stop(self) -> list[str]:
        if self.proc is None:
            return []
        self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        return summarise_stacks(self.out) if self.out.exists() else ["py-spy wrote nothing"]


def frame_name(frame: str) -> str:
    """``func (path/to/file.py:12)`` → ``path/file.py:func`` relative to the repo or venv."""
    m = re.match(r"(.*) \((.*?)(?::\d+)?\)$", frame)
    if not m:
        return frame
    func, path = m.groups()
    for prefix in (str(ROOT / ".venv/lib/python3.11/site-packages") + "/", str(ROOT) + "/"):
        path = path.removeprefix(prefix)
    return f"{path}:{func}"


def summarise_stacks(path: Path, top: int = 15) -> list[str]:
    """Inclusive share of samples per function (each function once per stack)."""
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n, frames = int(count), [frame_name(f) for f in stack.split(";")]
        total += n
        own[frames[-1]] += n
        for name in set(frames):
            inclusive[name] += n
    if not total:
        return ["no samples"]
    lines = [f"{total} samples; inclusive:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    lines += ["self:"]
    lines += [f"  {100 * n / total:5.1f}%  {name}" for name, n in own.most_common(top)]
    return lines


# --------------------------------------------------------------------------- live: topology


@dataclass
class Topology:
    """Series ids by host, the websocket clients' topics, and the live request groups."""

    series: dict[str, list[tuple[int, str]]]  # host -> [(id, name)]
    topics: list[list[str]]
    groups: list[list[tuple[int, str, str]]]  # [(id, name, host)] per request

    def expected(self, group: int) -> list[int]:
        return [sid for sid, _, _ in self.groups[group]]


def fetch_series(server: Server, hosts: list[str]) -> dict[str, list[tuple[int, str]]]:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    out = {}
    try:
        for h in hosts:
            conn.request(
                "GET",
                f"/api/v1/series/?{urlencode({'host': h, 'page_size': 1000})}",
                headers=server.api_headers(),
            )
            resp = conn.getresponse()
            page = orjson.loads(resp.read())
            out[h] = sorted((r["id"], r["name"]) for r in page["results"])
    finally:
        conn.close()
    return out


def topology(series: dict, clients: int, batch: int) -> Topology:
    hosts = sorted(series)
    topics: list[list[str]] = [[] for _ in range(clients)]
    per_client = max(1, -(-len(hosts) // clients))
    for i, h in enumerate(hosts):
        topics[i % clients] += [f"series:{sid}" for sid, _ in series[h]]
        topics[min(i // per_client, clients - 1)].append(f"host:{h}")
    flat = [(sid, name, h) for h in hosts for sid, name in series[h]]
    groups = [flat[i : i + batch] for i in range(0, len(flat), batch)]
    return Topology(series, topics, groups)


# --------------------------------------------------------------------------- live: sender


@dataclass
class Sent:
    group: int
    ts_us: int  # the scheduled send time, the points' timestamp
    status: int
    post_ms: float  # request start to response
    lag_ms: float  # scheduled time to request start (the sender falling behind)


def live_body(points: list[tuple[int, str, str]], ts_us: int, rng: np.random.Generator) -> bytes:
    ts = ts_us / 1e6
    values = np.round(rng.uniform(0, 100, len(points)), 3).tolist()
    return orjson.dumps(
        {
            "series": [
                {"name": name, "host": h, "labels": {}, "points": [[ts, v]]}
                for (_, name, h), v in zip(points, values, strict=True)
            ]
        }
    )


def now_us() -> int:
    return time.time_ns() // 1000


def send_live(server: Server, topo: Topology, rate: int, batch: int, seconds: float) -> list:
    """Open model: one request every batch/rate s on a fixed clock, up to SENDERS in flight.

    The points carry their scheduled send time, so a sender (or server) falling behind
    shows up in the latency instead of silently lowering the rate (coordinated omission).
    """
    local, interval_us = threading.local(), round(1e6 * batch / rate)
    n = max(1, round(seconds * rate / batch))
    t0_us = now_us() + 200_000

    def post(k: int) -> Sent:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection(HOST, server.port, timeout=120)
            local.rng = np.random.default_rng(k)
        group, ts_us = k % len(topo.groups), t0_us + k * interval_us
        body = live_body(topo.groups[group], ts_us, local.rng)
        started = now_us()
        local.conn.request("POST", "/api/v1/metrics/", body=body, headers=server.api_headers())
        resp = local.conn.getresponse()
        resp.read()
        return Sent(group, ts_us, resp.status, (now_us() - started) / 1e3, (started - ts_us) / 1e3)

    with ThreadPoolExecutor(SENDERS) as pool:
        futures = []
        for k in range(n):
            time.sleep(max(0.0, (t0_us + k * interval_us - now_us()) / 1e6))
            futures.append(pool.submit(post, k))
        return [f.result() for f in futures]


# --------------------------------------------------------------------------- live: clients


@dataclass
class Inbox:
    """Raw messages with their receive time; parsed after the run so timing stays cheap."""

    messages: list[tuple[int, float, str | bytes]] = field(default_factory=list)
    subscribed: int = 0
    closed: list[str] = field(default_factory=list)  # clients the server disconnected


async def client_run(idx: int, server: Server, topics: list[str], inbox: Inbox) -> None:
    uri = f"ws://{HOST}:{server.port}/ws/live/"
    async with connect(
        uri,
        origin=f"http://{HOST}:{server.port}",
        additional_headers={"Cookie": server.cookie},
        max_size=None,
        max_queue=None,
    ) as ws:
        await ws.send(orjson.dumps({"action": "subscribe", "topics": topics}).decode())
        reply = orjson.loads(await ws.recv())
        if reply.get("type") != "subscribed" or len(reply["topics"]) != len(topics):
            raise SystemExit(f"client {idx}: subscribe failed: {str(reply)[:300]}")
        inbox.subscribed += 1
        try:
            async for raw in ws:
                inbox.messages.append((idx, time.time(), raw))
        except ConnectionClosed:
            pass
        inbox.closed.append(f"client {idx}: closed by the server ({ws.close_code})")


async def live_async(server: Server, topo: Topology, args) -> tuple[list[Sent], Inbox, float]:
    inbox = Inbox()
    tasks = [
        asyncio.create_task(client_run(i, server, t, inbox)) for i, t in enumerate(topo.topics)
    ]
    deadline = time.monotonic() + 30
    while inbox.subscribed < len(tasks):
        failed = [t for t in tasks if t.done()]
        if failed:
            failed[0].result()
            raise SystemExit("a websocket client ended early")
        if time.monotonic() > deadline:
            raise SystemExit(f"only {inbox.subscribed}/{len(tasks)} clients subscribed")
        await asyncio.sleep(0.05)
    started = time.monotonic()
    sent = await asyncio.to_thread(send_live, server, topo, args.rate, args.batch, args.seconds)
    seconds = time.monotonic() - started
    await drain(inbox, expected_messages(topo, sent))
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return sent, inbox, seconds


def expected_messages(topo: Topology, sent: list[Sent]) -> int:
    per_group = [len(g) + len({h for _, _, h in g}) for g in topo.groups]
    return sum(per_group[s.group] for s in sent if s.status == 201)


async def drain(inbox: Inbox, expected: int) -> None:
    deadline = time.monotonic() + DRAIN_S
    while len(inbox.messages) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)  # anything extra (duplicates) shows up in the check


# --------------------------------------------------------------------------- live: analysis


def analyse(topo: Topology, sent: list[Sent], inbox: Inbox, seconds: float, rate: int) -> Live:
    watchers = watcher_maps(topo)
    got_series: set[tuple[int, int]] = set()
    got_host: set[tuple[int, int]] = set()
    series_ms, host_ms, unexpected = [], [], 0
    for idx, recv, raw in inbox.messages:
        msg = orjson.loads(raw)
        if msg.get("type") == "points":
            sid = msg["series"]
            unexpected += watchers["series"].get(sid) != idx
            for ts, _ in msg["points"]:
                got_series.add((sid, round(ts * 1e6)))
                series_ms.append(1000 * (recv - ts))
        elif msg.get("type") == "host_points":
            unexpected += watchers["host"].get(msg["host"]) != idx
            for sid, (ts, _) in msg["series"].items():
                got_host.add((int(sid), round(ts * 1e6)))
                host_ms.append(1000 * (recv - ts))
        else:
            unexpected += 1
    want = {(sid, s.ts_us) for s in sent if s.status == 201 for sid in topo.expected(s.group)}
    ok = [s for s in sent if s.status == 201]
    return Live(
        clients=len(topo.topics),
        topics=sum(len(t) for t in topo.topics),
        points_sent=sum(len(topo.groups[s.group]) for s in ok),
        batches=len(sent),
        failed_batches=len(sent) - len(ok),
        seconds=seconds,
        post_ms=[s.post_ms for s in sent],
        lag_ms=[s.lag_ms for s in sent],
        latency_ms=series_ms + host_ms,
        series_ms=series_ms,
        host_ms=host_ms,
        messages=len(inbox.messages),
        missing_series=len(want - got_series),
        missing_host=len(want - got_host),
        unexpected=unexpected,
        load_after=os.getloadavg(),
        target_rate=rate,
        closed=inbox.closed,
    )


def watcher_maps(topo: Topology) -> dict[str, dict]:
    series, hosts = {}, {}
    for idx, topics in enumerate(topo.topics):
        for t in topics:
            kind, _, rest = t.partition(":")
            if kind == "series":
                series[int(rest)] = idx
            else:
                hosts[rest] = idx
    return {"series": series, "host": hosts}


def live_phase(server: Server, hosts: list[str], args) -> Live:
    topo = topology(fetch_series(server, hosts), args.clients, args.batch)
    missing = [h for h in hosts if len(topo.series[h]) != len(METRICS)]
    if missing:
        raise SystemExit(f"series list: hosts without {len(METRICS)} series: {missing[:5]}")
    sent, inbox, seconds = asyncio.run(live_async(server, topo, args))
    return analyse(topo, sent, inbox, seconds, args.rate)


# --------------------------------------------------------------------------- report


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("PASS" if ok else "FAIL")


def render_rows(report: Report) -> list[str]:
    rows = []
    for r in report.renders:
        over_http = "HTTP" in r.label
        ok = r.p95 <= TARGET_RENDER_P95_MS if over_http else None
        queries = "—" if r.queries is None else f"{r.queries} ({r.sql_ms:.1f} ms SQL)"
        rows.append(
            f"| {r.label} | {r.p50:.1f} ms | {r.p95:.1f} ms | {queries} "
            f"| {'≤ 100 ms p95' if over_http else 'reference'} | {verdict(ok)} | {r.note} |"
        )
    return rows


def live_rows(live: Live) -> list[str]:
    lat = live.latency_ms
    ok_lat = pct(lat, 95) <= TARGET_LIVE_P95_MS
    lost = live.missing_series + live.missing_host + live.failed_batches
    return [
        f"| ingest → client latency, all points | p50 {pct(lat, 50):.0f} ms · p95 "
        f"{pct(lat, 95):.0f} ms · p99 {pct(lat, 99):.0f} ms · max {max(lat, default=0):.0f} ms "
        f"| ≤ {TARGET_LIVE_P95_MS} ms p95 | {verdict(ok_lat)} |",
        f"| … via `series:` topics ({len(live.series_ms):,} points) | p50 "
        f"{pct(live.series_ms, 50):.0f} ms · p95 {pct(live.series_ms, 95):.0f} ms | — | — |",
        f"| … via `host:` topics ({len(live.host_ms):,} points) | p50 "
        f"{pct(live.host_ms, 50):.0f} ms · p95 {pct(live.host_ms, 95):.0f} ms | — | — |",
        f"| ingestion achieved | {live.rate:,.0f} points/s ({live.batches} requests, "
        f"{live.failed_batches} failed; POST p50 {pct(live.post_ms, 50):.0f} ms · p95 "
        f"{pct(live.post_ms, 95):.0f} ms; start behind schedule p95 {pct(live.lag_ms, 95):.0f} ms"
        f") | ≥ 95 % of {live.target_rate:,} points/s "
        f"| {verdict(live.rate >= 0.95 * live.target_rate)} |",
        f"| messages received | {live.messages:,} by {live.clients} clients "
        f"({live.topics:,} topics) | — | — |",
        f"| lost updates | {live.missing_series} via series, {live.missing_host} via host, "
        f"{live.unexpected} misrouted | 0 | {verdict(lost == 0 and live.unexpected == 0)} |",
        f"| clients disconnected by the server | {len(live.closed)} | 0 "
        f"| {verdict(not live.closed)} |",
    ]


def machine_line(m: dict) -> str:
    load = "/".join(f"{x:.1f}" for x in m["load_at_start"])
    end = "/".join(f"{x:.1f}" for x in m.get("load_at_end", (0, 0, 0)))
    return (
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}; load average (1/5/15 min) at start {load}, at end {end}"
    )


def render(report: Report) -> str:
    lines = [
        machine_line(report.machine),
        "",
        "| page (server-side) | p50 | p95 | SQL queries | target | verdict | note |",
        "|---|---|---|---|---|---|---|",
        *render_rows(report),
    ]
    if report.live:
        live = report.live
        lines += [
            "",
            f"Live: {live.clients} websocket clients, {live.seconds:.1f} s; load average "
            f"after the live phase {'/'.join(f'{x:.1f}' for x in live.load_after)}",
            "",
            "| live measure | result | target | verdict |",
            "|---|---|---|---|",
            *live_rows(live),
        ]
    lines += ["", *info_lines(report.info), *report.notes]
    for phase, summary in report.profiles.items():
        lines += ["", f"py-spy, daphne during {phase}:", "```", *summary, "```"]
    return "\n".join(lines)


def info_lines(info: dict) -> list[str]:
    out = []
    if load := info.get("history"):
        out.append(
            f"History: {load['points']:,} points in {load['requests']} HTTP requests, "
            f"{load['seconds']:.1f} s ({load['points'] / load['seconds']:,.0f} points/s), "
            "time-major (every series, a few minutes per request)."
        )
    if roll := info.get("rollups"):
        out.append(f"Rollups: {roll['series']} series in {roll['seconds']:.1f} s (in-process).")
    if tail := info.get("tail"):
        out.append(
            f"The last {UNROLLED_S} s ({tail['points']:,} points) loaded after the rollups: "
            "unrolled, as in steady state (the rollup job runs every 60 s)."
        )
    if sizes := info.get("sizes"):
        out.append(f"Tables: {', '.join(f'{k} {v:,}' for k, v in sizes.items())}.")
    return out


# --------------------------------------------------------------------------- main


def prepare(args, env: dict) -> str:
    """Fresh database, migrated, with a user and a token; returns the token."""
    database_recreate(args.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "ensure_admin")
    return manage(env, "create_api_token", "bench", "--name", "bench").strip().splitlines()[-1]


def data_phase(server: Server, hosts: list[str], report: Report, counters: bool) -> None:
    """Load the hour but its last minute, roll up, then load the last minute: the steady
    state, where the rollup job (every 60 s) is up to a minute behind ingestion."""
    print(f"loading {len(hosts)} hosts × {len(METRICS)} series × 1 h…", flush=True)
    end_s = int(time.time()) // STEP_S * STEP_S - STEP_S
    series, stamps, values = history(hosts, end_s, counters)
    tail = len(stamps) - UNROLLED_S // STEP_S
    report.info["history"] = load(server, load_bodies(series, stamps, values, 0, tail))
    report.info["rollups"] = rollups_in_process()
    report.info["tail"] = load(server, load_bodies(series, stamps, values, tail, len(stamps)))
    if counters:
        type_counters(server.url)
    analyze(server.url)
    report.info["sizes"] = table_sizes(server.url)


def render_phase(server: Server, args, report: Report, data_dir: str) -> None:
    print("page renders over HTTP…", flush=True)
    sampler = Sampler(args.py_spy, server.proc.pid, Path(data_dir) / "render.txt")
    for label, path in PAGES.items():
        report.renders.append(timed_http(server, label, path, args.requests, args.hosts))
    if args.py_spy:
        report.profiles["the HTTP renders"] = sampler.stop()
    print("page renders in-process…", flush=True)
    report.renders += renders_in_process(server.user, args.requests)


def log_errors(log: Path) -> list[str]:
    """daphne's ERROR lines (exceptions inside the application), counted."""
    errors = Counter(
        line.split(" ERROR ", 1)[1][:200]
        for line in log.read_text(errors="replace").splitlines()
        if " ERROR " in line
    )
    return [f"daphne log: {n} × {message}" for message, n in errors.most_common(5)]


def run(args, report: Report) -> None:
    data_dir = tempfile.mkdtemp(prefix="hydra-live-bench-")
    env = server_env(args, data_dir)
    token = prepare(args, env)
    django_setup(env)
    port, log = free_port(), Path(data_dir) / "daphne.log"
    proc = daphne_start(env, port, log)
    hosts = host_names(args.hosts)
    try:
        report.info["mode"] = wait_healthy(port, proc, log).get("mode")
        server = Server(port, token, args.database_url, "bench", env["HYDRA_ADMIN_PASSWORD"], proc)
        server.cookie = login(server)
        data_phase(server, hosts, report, args.counters)
        render_phase(server, args, report, data_dir)
        django_close()
        print(f"live: {args.clients} clients, {args.rate} points/s for {args.seconds} s…")
        sampler = Sampler(args.py_spy, proc.pid, Path(data_dir) / "live.txt")
        report.live = live_phase(server, hosts, args)
        if args.py_spy:
            report.profiles["the live phase"] = sampler.stop()
        report.notes += report.live.closed
    finally:
        daphne_stop(proc)
        report.notes += log_errors(log)
    report.notes.append(
        "Latency is measured at a Python websocket client when the message arrives; a "
        "browser adds JSON.parse and Plotly extendTraces / the sparkline redraw (a few ms)."
    )


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop daphne, drop the DB
    args = parse_args()
    report = Report(machine_info(admin_dsn(args.database_url)[0]), vars(args).copy())
    report.args = {k: str(v) if isinstance(v, Path) else v for k, v in report.args.items()}
    try:
        run(args, report)
    finally:
        if not args.keep:
            database_drop(args.database_url)
        redis_cleanup(args.redis_url)
    report.machine["load_at_end"] = os.getloadavg()
    print()
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(json_report(report), indent=2))


def json_report(report: Report) -> dict:
    live = asdict(report.live) if report.live else None
    if live:
        for key in ("latency_ms", "series_ms", "host_ms", "post_ms", "lag_ms"):
            s = live.pop(key)
            live[key] = {q: pct(s, q) for q in (50, 95, 99, 100)} | {"n": len(s)}
    return {
        "machine": report.machine,
        "args": report.args,
        "renders": [{**asdict(r), "p50_ms": r.p50, "p95_ms": r.p95} for r in report.renders],
        "live": live,
        "info": report.info,
        "notes": report.notes,
        "profiles": report.profiles,
    }


if __name__ == "__main__":
    main()
