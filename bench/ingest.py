"""Ingestion and query benchmark: Hydra's HTTP API on PostgreSQL vs a raw binary COPY.

Usage (from the repository root; PostgreSQL at 127.0.0.1:5432 with trust auth, Redis at
127.0.0.1:6379)::

    .venv/bin/python bench/ingest.py [--series 1000] [--points 1000] [--batch 5000]
        [--concurrency 2] [--web-processes 1] [--query-points 10000000] [--skip-queries]
        [--json out.json]

Method, in one invocation:

1. drops and recreates the bench database (``--database-url``), migrates it, creates a
   user and an API token, and starts daphne on a free 127.0.0.1 port in full mode
   (``REDIS_URL`` set, no embedded scheduler, throttle raised to 100000/s): one process,
   as ``make run`` does, or with ``--web-processes N`` N daphnes behind nginx configured
   as deploy/nginx.conf (the report names which);
2. pre-builds every request body before timing (the client must not be the
   bottleneck): ``--series`` × ``--points`` points at 10 s resolution ending now, cut into
   batches of ``--batch`` points, then sends them over ``--concurrency`` keep-alive
   ``http.client`` connections (one thread each) and times first send to last answer:

   - JSON compact shape, agent batches: every series with a few points each (1,000 series
     × 5 points per 5,000-point batch), as Telegraf and agents send: the headline figure;
   - JSON compact shape, series batches: a few series with many points each (5 × 1,000);
   - InfluxDB line protocol (``precision=s``), agent batches;

   each phase into its own metric name (fresh inserts, not overwrites), and checks that
   the number of points stored equals the number sent;
3. raw binary COPY (psycopg 3) of the same number of points, in the same agent batches
   sorted as the server sorts them, into a fresh ``bench_raw`` table of the same shape
   (primary key ``(series_id, ts)``), one connection, one commit per batch (the same
   durability as the API);
4. queries: loads ``--query-points`` points for one metric of ``--series`` series (10 s
   resolution ending now) straight into ``metrics_point`` with COPY plus the matching
   ``metrics_series`` rows, runs the rollup job (timed), ANALYZE, then times 20 HTTP
   requests (after 2 warm-ups) of each query: one series' whole range in ~60 buckets;
   all series of the metric over the last hour at 1-minute avg; the latest value of all
   series through ``/api/v1/series/?page_size=N`` (and, if the page size is capped, the
   time to walk every page).

Targets (2 cores; measured for reference: raw COPY with the primary key ~300k points/s,
InfluxDB 1.6 ~350k, a naive insert-per-point app ~2.6k): HTTP ingest >= 150k points/s and
>= 0.5x raw COPY in the same run, for the compact JSON shape and line protocol; query p50
<= 20 ms (one series), <= 150 ms (1,000 series, last hour), <= 20 ms (latest values).

The mean server-side time per batch (the view's own ``hydra_ingest_seconds`` histogram,
read from ``/metrics``) is printed next to the client's mean latency: the difference is
daphne, middleware, authentication and throttling. Figures are noisy on a shared machine:
the load average is printed with them.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import secrets
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import orjson
import psycopg
from _server import (  # noqa: E402,I001  (bench/ is on sys.path when run as a script)
    HOST,
    admin_dsn,
    database_drop,
    database_recreate,
    free_port,
    http_get,
    machine_info,
    manage,
    web_start,
    web_stop,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from metrics.ingest.copyformat import COPY_HEADER, COPY_TRAILER, copy_payload  # noqa: E402

STEP_S = 10
US = 1_000_000
QUERY_REPEATS = 20
TARGET_INGEST = 150_000
TARGET_RATIO = 0.5
TARGETS_MS = {"one_series": 20, "all_last_hour": 150, "latest": 20}


# --------------------------------------------------------------------------- results


@dataclass
class Phase:
    """One ingestion phase: what was sent, how fast, and what was stored."""

    label: str
    points: int
    batches: int
    seconds: float
    stored: int = 0
    accepted: int = 0
    client_ms: float = 0.0
    server_ms: float | None = None
    target: bool = True

    @property
    def rate(self) -> float:
        return self.points / self.seconds


@dataclass
class Latency:
    label: str
    samples_ms: list[float]
    target_ms: float | None
    note: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return float(np.percentile(self.samples_ms, 95))


@dataclass
class Report:
    machine: dict
    args: dict
    phases: list[Phase] = field(default_factory=list)
    queries: list[Latency] = field(default_factory=list)
    info: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- arguments


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--database-url", default="postgres://postgres:postgres@127.0.0.1:5432/hydra_bench"
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    p.add_argument("--series", type=int, default=1_000)
    p.add_argument("--points", type=int, default=1_000, help="points per series (ingest)")
    p.add_argument("--batch", type=int, default=5_000, help="points per request")
    p.add_argument("--query-points", type=int, default=10_000_000)
    p.add_argument("--concurrency", type=int, default=2, help="parallel HTTP clients")
    p.add_argument(
        "--web-processes",
        type=int,
        default=1,
        help="daphne processes; above 1 they run behind nginx as in deploy/nginx.conf "
        "(default 1: what `make run` starts)",
    )
    p.add_argument("--skip-queries", action="store_true")
    p.add_argument("--keep", action="store_true", help="keep the bench database")
    p.add_argument("--json", type=Path, help="write the results here")
    return p.parse_args()


# --------------------------------------------------------------------------- machine


# --------------------------------------------------------------------------- database


def backends(url: str) -> int:
    """Connections open to the bench database (the server's, plus this one)."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        ).fetchone()[0]


def stored_points(url: str, name: str) -> tuple[int, int]:
    """(points, series) stored for metric ``name``."""
    with psycopg.connect(url) as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM metrics_point p JOIN metrics_series s "
            "ON s.id = p.series_id WHERE s.name = %s), "
            "(SELECT count(*) FROM metrics_series WHERE name = %s)",
            [name, name],
        ).fetchone()


# --------------------------------------------------------------------------- server


def server_env(args: argparse.Namespace, data_dir: str) -> dict[str, str]:
    tag = f"hydra-bench-{os.getpid()}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hydra.settings",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": secrets.token_urlsafe(40),
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


def ingest_seconds(ports: list[int]) -> dict[str, tuple[float, float]]:
    """format -> (sum of seconds, count) of the view's ``hydra_ingest_seconds``, summed
    over the daphne processes (each keeps its own)."""
    out: dict[str, list[float]] = {}
    pattern = r'^hydra_ingest_seconds_(sum|count)\{format="(\w+)"\} (\S+)$'
    for port in ports:
        _, body = http_get(port, "/metrics")
        for kind, fmt, value in re.findall(pattern, body.decode(), re.MULTILINE):
            out.setdefault(fmt, [0.0, 0.0])[kind == "count"] += float(value)
    return {k: (v[0], v[1]) for k, v in out.items()}


# --------------------------------------------------------------------------- data


@dataclass
class Grid:
    """``series`` × ``points`` values at 10 s resolution, the last at ``end_s``."""

    series: int
    points: int
    end_s: int
    seed: int

    def timestamps(self) -> np.ndarray:
        return self.end_s - STEP_S * np.arange(self.points - 1, -1, -1, dtype=np.int64)

    def values(self) -> np.ndarray:
        rng = np.random.default_rng(self.seed)
        base = rng.uniform(10, 90, size=(self.series, 1))
        return np.round(base + rng.normal(0, 5, size=(self.series, self.points)), 3)


def hosts(n: int) -> list[str]:
    return [f"h{i:05d}" for i in range(n)]


def rectangles(series: int, points: int, batch: int, agent: bool) -> list[tuple]:
    """Batches as (s0, s1, j0, j1) rectangles of about ``batch`` points that tile the grid.

    agent: all series with ``batch // series`` points each (time-major); otherwise a few
    series with all their points each.
    """
    if agent:
        rows = min(series, batch)
        cols = max(1, batch // series)
    else:
        cols = min(points, batch)
        rows = max(1, batch // points)
    return [
        (s0, min(s0 + rows, series), j0, min(j0 + cols, points))
        for j0 in range(0, points, cols)
        for s0 in range(0, series, rows)
    ]


def json_body(name: str, names: list[str], ts: np.ndarray, vals: np.ndarray, rect) -> bytes:
    s0, s1, j0, j1 = rect
    stamps = ts[j0:j1].tolist()
    return orjson.dumps(
        {
            "series": [
                {
                    "name": name,
                    "host": names[s],
                    "labels": {},
                    "points": list(zip(stamps, vals[s, j0:j1].tolist(), strict=True)),
                }
                for s in range(s0, s1)
            ]
        }
    )


def line_body(measurement: str, names: list[str], ts: np.ndarray, vals: np.ndarray, rect):
    s0, s1, j0, j1 = rect
    stamps, block = ts[j0:j1].tolist(), vals[s0:s1, j0:j1].tolist()
    lines = [
        f"{measurement},host={names[s0 + s]} value={block[s][j]!r} {stamps[j]}"
        for j in range(j1 - j0)
        for s in range(s1 - s0)
    ]
    return "\n".join(lines).encode()


def raw_payloads(grid: Grid, rects: list[tuple]) -> list[bytes]:
    """The agent batches as binary COPY, sorted by (series, ts) as the server writes them."""
    ts_us, vals = grid.timestamps() * US, grid.values()
    out = []
    for s0, s1, j0, j1 in rects:
        sids = np.repeat(np.arange(s0 + 1, s1 + 1, dtype=np.int64), j1 - j0)
        stamps = np.tile(ts_us[j0:j1], s1 - s0)
        out.append(copy_payload(sids, stamps, vals[s0:s1, j0:j1].ravel()))
    return out


# --------------------------------------------------------------------------- HTTP ingest


@dataclass
class Sent:
    seconds: float
    statuses: list[int]
    bodies: list[bytes]
    latencies: list[float]


def send_all(port: int, path: str, headers: dict, bodies: list[bytes], clients: int) -> Sent:
    """POST every body over ``clients`` keep-alive connections; time first send to last reply."""
    n = len(bodies)
    statuses, replies, lat = [0] * n, [b""] * n, [0.0] * n
    todo = iter(range(n))
    lock = threading.Lock()
    ready = threading.Barrier(clients + 1)

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=300)
        conn.connect()
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        ready.wait()
        while True:
            with lock:
                i = next(todo, None)
            if i is None:
                break
            started = time.perf_counter()
            conn.request("POST", path, body=bodies[i], headers=headers)
            resp = conn.getresponse()
            replies[i], statuses[i] = resp.read(), resp.status
            lat[i] = time.perf_counter() - started
        conn.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    ready.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    return Sent(time.perf_counter() - started, statuses, replies, lat)


def check_sent(sent: Sent, ok: int, label: str) -> None:
    bad = [(s, b[:300]) for s, b in zip(sent.statuses, sent.bodies, strict=True) if s != ok]
    if bad:
        raise SystemExit(f"{label}: {len(bad)} requests failed, first: {bad[0]}")


@dataclass
class Server:
    port: int
    token: str
    url: str
    daphne_ports: list[int] = field(default_factory=list)

    def headers(self, content_type: str) -> dict:
        return {"Authorization": f"Token {self.token}", "Content-Type": content_type}


def http_phase(server: Server, spec: dict, bodies: list[bytes], args) -> Phase:
    before = ingest_seconds(server.daphne_ports)
    sent = send_all(
        server.port, spec["path"], server.headers(spec["type"]), bodies, args.concurrency
    )
    check_sent(sent, spec["ok"], spec["label"])
    after = ingest_seconds(server.daphne_ports)
    points = args.series * args.points
    phase = Phase(spec["label"], points, len(bodies), sent.seconds)
    phase.client_ms = 1000 * statistics.fmean(sent.latencies)
    phase.server_ms = server_mean_ms(before, after, spec["fmt"])
    if spec["ok"] == 201:
        phase.accepted = sum(orjson.loads(b)["accepted"] for b in sent.bodies)
    else:
        phase.accepted = points
    phase.stored, n_series = stored_points(server.url, spec["name"])
    if phase.stored != points or phase.accepted != points or n_series != args.series:
        raise SystemExit(
            f"{spec['label']}: sent {points}, accepted {phase.accepted}, "
            f"stored {phase.stored} in {n_series} series"
        )
    return phase


def server_mean_ms(before: dict, after: dict, fmt: str) -> float | None:
    if fmt not in after:
        return None
    total = after[fmt][0] - before.get(fmt, (0.0, 0.0))[0]
    count = after[fmt][1] - before.get(fmt, (0.0, 0.0))[1]
    return 1000 * total / count if count else None


def ingest_specs(args, grid: Grid) -> list[tuple[dict, list[bytes]]]:
    """The HTTP phases with their pre-built bodies."""
    names, ts, vals = hosts(args.series), grid.timestamps(), grid.values()
    agent = rectangles(args.series, args.points, args.batch, agent=True)
    by_series = rectangles(args.series, args.points, args.batch, agent=False)
    json_spec = {"path": "/api/v1/metrics/", "type": "application/json", "ok": 201}
    line_spec = {"path": "/api/v2/write?precision=s", "type": "text/plain", "ok": 204}
    a_rows, a_cols = agent[0][1] - agent[0][0], agent[0][3] - agent[0][2]
    b_rows, b_cols = by_series[0][1] - by_series[0][0], by_series[0][3] - by_series[0][2]
    return [
        (
            {
                **json_spec,
                "fmt": "json",
                "name": "bench.json_agent",
                "label": f"HTTP JSON compact, {a_rows} series × {a_cols} points/batch",
            },
            [json_body("bench.json_agent", names, ts, vals, r) for r in agent],
        ),
        (
            {
                **json_spec,
                "fmt": "json",
                "name": "bench.json_series",
                "label": f"HTTP JSON compact, {b_rows} series × {b_cols} points/batch",
            },
            [json_body("bench.json_series", names, ts, vals, r) for r in by_series],
        ),
        (
            {
                **line_spec,
                "fmt": "line",
                "name": "bench_lp.value",
                "label": f"HTTP line protocol, {a_rows} series × {a_cols} points/batch",
            },
            [line_body("bench_lp", names, ts, vals, r) for r in agent],
        ),
    ]


def warm_up(server: Server) -> None:
    """One small request per format so lazy imports and connections are not timed."""
    now = int(time.time()) - 60
    body = orjson.dumps({"series": [{"name": "bench.warmup", "points": [[now, 1.0]]}]})
    check_sent(
        send_all(
            server.port, "/api/v1/metrics/", server.headers("application/json"), [body] * 4, 2
        ),
        201,
        "warm-up json",
    )
    line = f"bench_warmup value=1.0 {now}".encode()
    check_sent(
        send_all(
            server.port, "/api/v2/write?precision=s", server.headers("text/plain"), [line] * 4, 2
        ),
        204,
        "warm-up line",
    )


# --------------------------------------------------------------------------- raw COPY

RAW_TABLE = (
    "CREATE TABLE bench_raw (series_id bigint, ts bigint, value double precision, "
    "PRIMARY KEY (series_id, ts))"
)


def raw_copy_phase(url: str, payloads: list[bytes], points: int, connections: int = 1) -> Phase:
    with psycopg.connect(url) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw")
        conn.execute(RAW_TABLE)
        conn.commit()
    conns = [psycopg.connect(url) for _ in range(connections)]
    todo, lock = iter(payloads), threading.Lock()

    def copy_all(conn: psycopg.Connection) -> None:
        with conn.cursor() as cur:
            while True:
                with lock:
                    payload = next(todo, None)
                if payload is None:
                    return
                with cur.copy(
                    "COPY bench_raw (series_id, ts, value) FROM STDIN (FORMAT BINARY)"
                ) as cp:
                    cp.write(payload)
                conn.commit()

    threads = [threading.Thread(target=copy_all, args=(c,)) for c in conns]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    for c in conns:
        c.close()
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT count(*) FROM bench_raw").fetchone()[0]
    label = f"raw binary COPY, same batches, {connections} connection{'s' * (connections > 1)}"
    phase = Phase(label, points, len(payloads), seconds)
    phase.stored = phase.accepted = stored
    phase.target = False
    if stored != points:
        raise SystemExit(f"raw COPY: sent {points}, stored {stored}")
    return phase


# --------------------------------------------------------------------------- query data


def series_key(name: str, host: str) -> str:
    """``metrics.models.series_key`` for a series without labels."""
    canonical = json.dumps([name, host, {}], sort_keys=True, separators=(",", ":"))
    return hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()


SERIES_INSERT = """
INSERT INTO metrics_series (name, host, labels, key, unit, help, created_at, watch)
SELECT %s, h, '{}'::jsonb, k::uuid, '', '', now(), false
FROM unnest(%s::text[], %s::text[]) AS u(h, k)
ORDER BY h
RETURNING id, host
"""
PENDING_INSERT = "INSERT INTO metrics_rolluppending (min_ts, max_ts, series) VALUES (%s, %s, %s)"


def query_grid(args) -> Grid:
    per_series = max(1, args.query_points // args.series)
    return Grid(args.series, per_series, int(time.time()) // STEP_S * STEP_S, seed=7)


def load_query_data(url: str, name: str, grid: Grid) -> dict:
    """COPY the grid into metrics_point, insert its series rows and the pending-rollup row
    ingestion would have left; one transaction."""
    ts_us = grid.timestamps() * US
    started = time.perf_counter()
    with psycopg.connect(url) as conn:
        ids = insert_series(conn, name, grid, ts_us)
        with conn.cursor() as cur:
            copy_grid(cur, ids, grid, ts_us)
        conn.execute(PENDING_INSERT, [int(ts_us[0]), int(ts_us[-1]), ids.astype("<i8").tobytes()])
        conn.commit()
    seconds = time.perf_counter() - started
    points = grid.series * grid.points
    return {"points": points, "seconds": seconds, "rate": points / seconds}


def insert_series(conn, name: str, grid: Grid, ts_us: np.ndarray) -> np.ndarray:
    names = hosts(grid.series)
    rows = conn.execute(
        SERIES_INSERT, [name, names, [series_key(name, h) for h in names]]
    ).fetchall()
    by_host = {h: i for i, h in rows}
    return np.array([by_host[h] for h in names], dtype=np.int64)


def chunk_values(grid: Grid, s0: int, s1: int) -> np.ndarray:
    """Values of series s0..s1, generated per series so 10M points never sit in memory twice."""
    rows = []
    for s in range(s0, s1):
        rng = np.random.default_rng((grid.seed, s))
        base = 50 + 30 * np.sin(np.arange(grid.points) * (2 * np.pi * STEP_S / 86_400) + s)
        rows.append(np.round(base + rng.normal(0, 3, grid.points), 3))
    return np.vstack(rows)


def copy_grid(cur, ids: np.ndarray, grid: Grid, ts_us: np.ndarray, chunk: int = 50) -> None:
    with cur.copy("COPY metrics_point (series_id, ts, value) FROM STDIN (FORMAT BINARY)") as cp:
        cp.write(COPY_HEADER)
        for s0 in range(0, grid.series, chunk):
            s1 = min(s0 + chunk, grid.series)
            vals = chunk_values(grid, s0, s1)
            payload = copy_payload(
                np.repeat(ids[s0:s1], grid.points), np.tile(ts_us, s1 - s0), vals.ravel()
            )
            cp.write(payload[len(COPY_HEADER) : -len(COPY_TRAILER)])
        cp.write(COPY_TRAILER)


ROLLUP_CODE = (
    "import json, time\n"
    "from metrics.rollups import rollups_update\n"
    "t = time.perf_counter(); n = rollups_update()\n"
    "print(json.dumps({'series': n, 'seconds': time.perf_counter() - t}))\n"
)


def run_rollups(env: dict) -> dict:
    out = manage(env, "shell", "-c", ROLLUP_CODE)
    return json.loads(out.strip().splitlines()[-1])


def analyze(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE")


# --------------------------------------------------------------------------- queries


def timed_gets(server: Server, paths: list[str], check) -> list[float]:
    """2 warm-ups, then QUERY_REPEATS timed GETs of ``paths`` in sequence (keep-alive)."""
    conn = http.client.HTTPConnection(HOST, server.port, timeout=60)
    headers = {"Authorization": f"Token {server.token}"}
    samples = []
    try:
        for i in range(QUERY_REPEATS + 2):
            started = time.perf_counter()
            replies = []
            for path in paths:
                conn.request("GET", path, headers=headers)
                resp = conn.getresponse()
                replies.append((resp.status, resp.read()))
            elapsed = time.perf_counter() - started
            check(replies)
            if i >= 2:
                samples.append(1000 * elapsed)
    finally:
        conn.close()
    return samples


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise SystemExit(f"query check failed: {message}")


def q_one_series(server: Server, name: str, grid: Grid) -> Latency:
    start = int(grid.timestamps()[0])
    end = int(grid.timestamps()[-1]) + STEP_S
    step = max(60, round((end - start) / 60 / 60) * 60)
    path = "/api/v1/metrics/?" + urlencode(
        {"name": name, "host": hosts(1)[0], "start": start, "end": end, "step": step}
    )

    def check(replies):
        status, body = replies[0]
        expect(status == 200, f"one series: HTTP {status} {body[:300]!r}")
        series = orjson.loads(body)["series"]
        expect(len(series) == 1 and 55 <= len(series[0]["points"]) <= 65, "one series: shape")

    label = f"query: 1 series, whole range ({(end - start) / 3600:.1f} h), step {step} s"
    return Latency(label, timed_gets(server, [path], check), TARGETS_MS["one_series"])


def q_all_last_hour(server: Server, name: str, n_series: int) -> Latency:
    path = "/api/v1/metrics/?" + urlencode({"name": name, "start": "-1h", "step": 60, "agg": "avg"})

    def check(replies):
        status, body = replies[0]
        expect(status == 200, f"last hour: HTTP {status} {body[:300]!r}")
        series = orjson.loads(body)["series"]
        expect(len(series) == n_series, f"last hour: {len(series)} series")
        expect(all(50 <= len(s["points"]) <= 61 for s in series), "last hour: buckets")

    label = f"query: {n_series} series, last hour, 1-min avg"
    return Latency(label, timed_gets(server, [path], check), TARGETS_MS["all_last_hour"])


def series_page(server: Server, path: str) -> dict:
    status, body = http_get(server.port, path, {"Authorization": f"Token {server.token}"})
    expect(status == 200, f"series list: HTTP {status} {body[:300]!r}")
    return orjson.loads(body)


def q_latest(server: Server, name: str, n_series: int) -> list[Latency]:
    first = f"/api/v1/series/?{urlencode({'name': name, 'page_size': n_series})}"
    page = series_page(server, first)
    results = page["results"] if isinstance(page, dict) and "results" in page else page
    got = len(results)
    note = "" if got == n_series else f"page_size={n_series} not honoured: {got} per page"

    def check_one(replies):
        expect(replies[0][0] == 200, f"latest: HTTP {replies[0][0]}")

    label = f"query: latest value, {n_series} series, 1 request (page_size={n_series})"
    out = [Latency(label, timed_gets(server, [first], check_one), TARGETS_MS["latest"], note)]
    if got < n_series:
        out.append(q_latest_all_pages(server, name, n_series, got))
    return out


def q_latest_all_pages(server: Server, name: str, n_series: int, per_page: int) -> Latency:
    pages = -(-n_series // per_page)
    paths = [
        f"/api/v1/series/?{urlencode({'name': name, 'page': p, 'page_size': n_series})}"
        for p in range(1, pages + 1)
    ]

    def check(replies):
        count = sum(len(orjson.loads(b)["results"]) for s, b in replies if s == 200)
        expect(count == n_series, f"latest, all pages: {count} series")

    label = f"query: latest value, {n_series} series, all {pages} pages"
    return Latency(label, timed_gets(server, paths, check), TARGETS_MS["latest"])


def query_phase(server: Server, env: dict, args, report: Report) -> None:
    name, grid = "bench.query", query_grid(args)
    print(f"loading {grid.series * grid.points:,} points for queries…", flush=True)
    report.info["query_load"] = load_query_data(server.url, name, grid)
    report.info["rollups"] = run_rollups(env)
    started = time.perf_counter()
    analyze(server.url)
    report.info["analyze_seconds"] = time.perf_counter() - started
    report.queries.append(q_one_series(server, name, grid))
    report.queries.append(q_all_last_hour(server, name, args.series))
    report.queries.extend(q_latest(server, name, args.series))


# --------------------------------------------------------------------------- report


def verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("PASS" if ok else "FAIL")


def phase_rows(report: Report) -> list[str]:
    raw = next((p for p in report.phases if not p.target), None)
    rows = []
    for p in report.phases:
        ratio = p.rate / raw.rate if raw else None
        if p.target:
            ok = p.rate >= TARGET_INGEST and (ratio is None or ratio >= TARGET_RATIO)
            target = f"≥ {TARGET_INGEST / 1000:.0f}k/s and ≥ {TARGET_RATIO}× COPY"
        else:
            ok, target = None, "reference (~300k/s)"
        detail = phase_detail(p)
        rows.append(
            f"| {p.label} | {p.rate:,.0f} pts/s | "
            f"{f'{ratio:.2f}×' if ratio else '—'} | {target} | {verdict(ok)} | {detail} |"
        )
    return rows


def phase_detail(p: Phase) -> str:
    if not p.target:
        return f"{p.batches} batches, {1000 * p.seconds / p.batches:.1f} ms/batch incl. commit"
    view = f"{p.server_ms:.1f} ms" if p.server_ms is not None else "—"
    return f"{p.batches} batches; mean latency {p.client_ms:.1f} ms/batch, of which view {view}"


def query_rows(report: Report) -> list[str]:
    rows = []
    for q in report.queries:
        ok = q.p50 <= q.target_ms if q.target_ms else None
        rows.append(
            f"| {q.label} | p50 {q.p50:.1f} ms | p95 {q.p95:.1f} ms | ≤ {q.target_ms} ms "
            f"| {verdict(ok)} | {q.note} |"
        )
    return rows


def render(report: Report) -> str:
    m = report.machine
    lines = [
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}; load average at start "
        f"{'/'.join(f'{x:.1f}' for x in m['load_at_start'])}, at end "
        f"{'/'.join(f'{x:.1f}' for x in m.get('load_at_end', (0, 0, 0)))}",
        f"Server: {report.info.get('server', '?')}, {report.args['concurrency']} client "
        f"connections.",
        "",
        "| measure | result | vs COPY | target | verdict | details |",
        "|---|---|---|---|---|---|",
        *phase_rows(report),
    ]
    if report.queries:
        lines += [
            "",
            "| query (median of 20) | p50 | p95 | target | verdict | note |",
            "|---|---|---|---|---|---|",
            *query_rows(report),
        ]
    lines += ["", *info_lines(report.info), *report.notes]
    return "\n".join(lines)


def info_lines(info: dict) -> list[str]:
    out = []
    if load := info.get("query_load"):
        out.append(
            f"Query data: {load['points']:,} points loaded by COPY in {load['seconds']:.1f} s "
            f"({load['rate']:,.0f} pts/s, one transaction)."
        )
    if roll := info.get("rollups"):
        out.append(f"Rollup job: {roll['series']} series in {roll['seconds']:.1f} s.")
    if "db_connections_after_http" in info:
        out.append(
            f"PostgreSQL connections held by the server after the HTTP phases: "
            f"{info['db_connections_after_http']}."
        )
    if "analyze_seconds" in info:
        out.append(f"ANALYZE: {info['analyze_seconds']:.1f} s.")
    return out


# --------------------------------------------------------------------------- main


def prepare(args, env: dict) -> str:
    """Fresh database, migrated, with a user and a token; returns the token."""
    database_recreate(args.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "ensure_admin")
    return manage(env, "create_api_token", "bench", "--name", "bench").strip().splitlines()[-1]


def ingest_phases(server: Server, args, report: Report) -> None:
    grid = Grid(args.series, args.points, int(time.time()) - 60, seed=1)
    print("building request bodies…", flush=True)
    specs = ingest_specs(args, grid)
    payloads = raw_payloads(grid, rectangles(args.series, args.points, args.batch, agent=True))
    warm_up(server)
    for spec, bodies in specs:
        print(f"{spec['label']}…", flush=True)
        report.phases.append(http_phase(server, spec, bodies, args))
    report.info["db_connections_after_http"] = backends(server.url) - 1
    print("raw binary COPY…", flush=True)
    report.phases.append(raw_copy_phase(server.url, payloads, args.series * args.points))


def run(args, report: Report) -> None:
    data_dir = tempfile.mkdtemp(prefix="hydra-bench-")
    env = server_env(args, data_dir)
    token = prepare(args, env)
    web = web_start(env, free_port(), Path(data_dir), args.web_processes)
    try:
        _, health = http_get(web.port, "/api/v1/health")
        report.info["mode"] = orjson.loads(health).get("mode")
        report.info["server"] = web.description
        server = Server(web.port, token, args.database_url, web.daphne_ports)
        ingest_phases(server, args, report)
        if not args.skip_queries:
            query_phase(server, env, args, report)
    finally:
        web_stop(web)


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # still stop daphne, drop the DB
    args = parse_args()
    report = Report(machine_info(admin_dsn(args.database_url)[0]), vars(args).copy())
    report.args["json"] = str(args.json) if args.json else None
    try:
        run(args, report)
    finally:
        if not args.keep:
            database_drop(args.database_url)
    report.machine["load_at_end"] = os.getloadavg()
    print()
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(json_report(report), indent=2))


def json_report(report: Report) -> dict:
    return {
        "machine": report.machine,
        "args": report.args,
        "phases": [{**asdict(p), "points_per_s": p.rate} for p in report.phases],
        "queries": [{**asdict(q), "p50_ms": q.p50, "p95_ms": q.p95} for q in report.queries],
        "info": report.info,
        "notes": report.notes,
    }


if __name__ == "__main__":
    main()
