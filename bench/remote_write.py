"""Prometheus remote-write ingestion benchmark: HTTP remote write vs the JSON path vs raw COPY.

Usage (from the repository root; PostgreSQL at 127.0.0.1:5432, Redis at 127.0.0.1:6379)::

    .venv/bin/python bench/remote_write.py [--series 1000] [--points 1000]
        [--per-request 500] [--samples 10] [--rounds 2] [--prometheus-points 100]
        [--concurrency 2] [--json out.json]

Method, in one invocation (server set-up as ``bench/ingest.py``: a fresh bench database,
migrated, a token, one daphne process in full mode, throttle raised):

1. pre-builds every request body before timing: ``--series`` × ``--points`` samples at
   10 s resolution ending now, in requests of ``--per-request`` series × ``--samples``
   samples each (default 500 × 10 = 5,000 samples, the JSON bench's batch size):

   - remote write: ``WriteRequest`` protobuf (``prom/protos``), snappy block format, as
     Prometheus sends it (labels ``__name__``, ``instance="hNNNNN:9100"``, ``job``: each
     series gets its host from the instance), ``Authorization: Bearer``;
   - the same samples as compact JSON (``/api/v1/metrics/``, host per series);
   - remote write shaped like Prometheus 2.42's defaults (``max_samples_per_send: 500``):
     500 series × 1 sample per request, ``--prometheus-points`` samples per series;

   then sends each set over ``--concurrency`` keep-alive connections and times first send
   to last answer; checks that every sample was stored. Remote write and JSON run
   ``--rounds`` times in alternating order (RW then JSON, JSON then RW, …), each into fresh
   metric names, and the ratio is the median of the rounds' ratios;
2. raw binary COPY of the same 5,000-sample batches into a fresh table of the same shape,
   one connection, one commit per batch (``bench/ingest.py``'s reference).

Target: remote write ≥ the JSON path's rate in the same run. The view's own mean time per
request (``hydra_ingest_seconds``) is printed next to the client's latency. The machine is
shared: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import cramjam
import numpy as np
import orjson
from _server import admin_dsn, database_drop, free_port, machine_info, web_start, web_stop
from ingest import (  # noqa: E402,I001  (bench/ is on sys.path when run as a script)
    Grid,
    Phase,
    Report,
    Server,
    check_sent,
    hosts,
    ingest_seconds,
    phase_detail,
    prepare,
    raw_copy_phase,
    raw_payloads,
    send_all,
    server_env,
    server_mean_ms,
    stored_points,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from prom.protos.remote_pb2 import WriteRequest  # noqa: E402

RW_HEADERS = {
    "Content-Type": "application/x-protobuf",
    "Content-Encoding": "snappy",
    "X-Prometheus-Remote-Write-Version": "0.1.0",
}


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument(
        "--database-url", default="postgres://postgres:postgres@127.0.0.1:5432/hydra_bench_rw"
    )
    p.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    p.add_argument("--series", type=int, default=1_000)
    p.add_argument("--points", type=int, default=1_000, help="samples per series")
    p.add_argument("--per-request", type=int, default=500, help="series per request")
    p.add_argument("--samples", type=int, default=10, help="samples per series per request")
    p.add_argument("--prometheus-points", type=int, default=100)
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--rounds", type=int, default=2, help="remote write + JSON rounds")
    p.add_argument("--keep", action="store_true", help="keep the bench database")
    p.add_argument("--json", type=Path)
    return p.parse_args()


def tiles(series: int, points: int, per_request: int, samples: int) -> list[tuple]:
    """(s0, s1, j0, j1) requests, time-major: every series' first samples, then the next."""
    return [
        (s0, min(s0 + per_request, series), j0, min(j0 + samples, points))
        for j0 in range(0, points, samples)
        for s0 in range(0, series, per_request)
    ]


def rw_body(name: str, names: list[str], ts_ms: np.ndarray, vals: np.ndarray, tile) -> bytes:
    s0, s1, j0, j1 = tile
    request = WriteRequest()
    stamps = ts_ms[j0:j1].tolist()
    for s in range(s0, s1):
        series = request.timeseries.add()
        for label, value in (("__name__", name), ("instance", f"{names[s]}:9100"), ("job", "b")):
            series.labels.add(name=label, value=value)
        for stamp, value in zip(stamps, vals[s, j0:j1].tolist(), strict=True):
            series.samples.add(timestamp=stamp, value=value)
    return bytes(cramjam.snappy.compress_raw(request.SerializeToString()))


def json_body(name: str, names: list[str], ts: np.ndarray, vals: np.ndarray, tile) -> bytes:
    s0, s1, j0, j1 = tile
    stamps = ts[j0:j1].tolist()
    return orjson.dumps(
        {
            "series": [
                {
                    "name": name,
                    "host": names[s],
                    "points": list(zip(stamps, vals[s, j0:j1].tolist(), strict=True)),
                }
                for s in range(s0, s1)
            ]
        }
    )


RW = {"path": "/api/v1/write", "headers": RW_HEADERS, "ok": 204, "fmt": "remote_write"}
JS = {"path": "/api/v1/metrics/", "headers": {"Content-Type": "application/json"}, "ok": 201}


def spec(kind: str, args, grid: Grid, name: str, per_request: int, samples: int):
    """(spec, bodies, samples) of one phase: remote write ("rw") or JSON ("json")."""
    names, ts, vals = hosts(args.series), grid.timestamps(), grid.values()
    shape = tiles(args.series, grid.points, per_request, samples)
    rows, cols = shape[0][1] - shape[0][0], shape[0][3] - shape[0][2]
    if kind == "rw":
        label = f"HTTP remote write, {rows} series × {cols} samples/request"
        bodies = [rw_body(name, names, ts * 1000, vals, t) for t in shape]
        return {**RW, "name": name, "label": label}, bodies, args.series * grid.points
    label = f"HTTP JSON compact, {rows} series × {cols} points/batch"
    bodies = [json_body(name, names, ts, vals, t) for t in shape]
    return {**JS, "fmt": "json", "name": name, "label": label}, bodies, args.series * grid.points


def phase(server: Server, spec: dict, bodies: list[bytes], points: int, args) -> Phase:
    before = ingest_seconds(server.daphne_ports)
    headers = {**spec["headers"], "Authorization": f"Bearer {server.token}"}
    sent = send_all(server.port, spec["path"], headers, bodies, args.concurrency)
    check_sent(sent, spec["ok"], spec["label"])
    after = ingest_seconds(server.daphne_ports)
    result = Phase(spec["label"], points, len(bodies), sent.seconds)
    result.client_ms = 1000 * float(np.mean(sent.latencies))
    result.server_ms = server_mean_ms(before, after, spec["fmt"])
    result.stored, n_series = stored_points(server.url, spec["name"])
    result.accepted = result.stored
    if result.stored != points or n_series != args.series:
        raise SystemExit(
            f"{spec['label']}: sent {points}, stored {result.stored} in {n_series} series"
        )
    return result


def warm_up(server: Server) -> None:
    """One small request per format, so lazy imports and connections are not timed."""
    names, t = hosts(1), Grid(1, 1, int(time.time()) - 60, seed=3)
    rw = rw_body("bench_warmup", names, t.timestamps() * 1000, t.values(), (0, 1, 0, 1))
    headers = {**RW_HEADERS, "Authorization": f"Bearer {server.token}"}
    check_sent(send_all(server.port, "/api/v1/write", headers, [rw] * 4, 2), 204, "warm-up")


def rounds(server: Server, args, grid: Grid, report: Report) -> None:
    """Remote write and JSON in alternating order (RW, JSON, then JSON, RW, …), each into
    fresh metric names, so neither always meets the bigger table."""
    for r in range(args.rounds):
        order = ("rw", "json") if r % 2 == 0 else ("json", "rw")
        for kind in order:
            name = f"bench_rw_{r}" if kind == "rw" else f"bench.json_{r}"
            built = spec(kind, args, grid, name, args.per_request, args.samples)
            print(f"round {r + 1}: {built[0]['label']}…", flush=True)
            report.phases.append(phase(server, *built, args))


def run(args, report: Report) -> None:
    data_dir = tempfile.mkdtemp(prefix="hydra-bench-rw-")
    env = server_env(args, data_dir)
    token = prepare(args, env)
    web = web_start(env, free_port(), Path(data_dir), 1)
    try:
        report.info["server"] = web.description
        server = Server(web.port, token, args.database_url, web.daphne_ports)
        now = int(time.time()) - 60
        grid = Grid(args.series, args.points, now, seed=1)
        warm_up(server)
        rounds(server, args, grid, report)
        prom = spec(
            "rw", args, Grid(args.series, args.prometheus_points, now, 2), "bench_p", 500, 1
        )
        prom[0]["label"] += " (Prometheus 2.42's max_samples_per_send)"
        print(f"{prom[0]['label']}…", flush=True)
        report.phases.append(phase(server, *prom, args))
        batches = tiles(args.series, args.points, args.per_request, args.samples)
        print("raw binary COPY…", flush=True)
        points = args.series * args.points
        report.phases.append(raw_copy_phase(args.database_url, raw_payloads(grid, batches), points))
    finally:
        web_stop(web)


def ratios(report: Report) -> list[float]:
    """Remote write / JSON of each round."""
    pairs = report.phases[: 2 * report.args["rounds"]]
    by_round = [pairs[i : i + 2] for i in range(0, len(pairs), 2)]
    return [
        next(p for p in pair if "remote" in p.label).rate
        / next(p for p in pair if "JSON" in p.label).rate
        for pair in by_round
    ]


def render(report: Report) -> str:
    m = report.machine
    raw = report.phases[-1]
    json_rate = statistics.median(p.rate for p in report.phases if "JSON" in p.label)
    rows = [
        f"| {p.label} | {p.rate:,.0f}/s | {p.rate / json_rate:.2f}× | {p.rate / raw.rate:.2f}× "
        f"| {phase_detail(p)} |"
        for p in report.phases
    ]
    each = ratios(report)
    ratio = statistics.median(each)
    return "\n".join(
        [
            f"Machine: {m['nproc']} CPUs ({m['cpu']}), PostgreSQL {m['postgresql']}, "
            f"Python {m['python']}; load average at start "
            f"{'/'.join(f'{x:.1f}' for x in m['load_at_start'])}, at end "
            f"{'/'.join(f'{x:.1f}' for x in m['load_at_end'])}",
            f"Server: {report.info['server']}, {report.args['concurrency']} client connections.",
            "",
            "| measure (in the order run) | samples/s | vs JSON (median) | vs COPY | details |",
            "|---|---|---|---|---|",
            *rows,
            "",
            "Remote write vs JSON, same samples and batches, same run, by round: "
            + ", ".join(f"{r:.2f}×" for r in each)
            + f"; median {ratio:.2f}× (target ≥ 1.0×: {'PASS' if ratio >= 1 else 'FAIL'}).",
        ]
    )


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
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
        phases = [{**p.__dict__, "per_s": p.rate} for p in report.phases]
        args.json.write_text(json.dumps({"machine": report.machine, "phases": phases}, indent=2))


if __name__ == "__main__":
    main()
