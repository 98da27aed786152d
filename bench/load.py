"""Load-engine benchmark: Hydra vs wrk vs Locust against a local nginx (127.0.0.1 only).

Usage (from the repository root; needs ``apt-get install -y nginx wrk``, Locust in
``/tmp/bench-venv`` or at ``$LOCUST`` (``python3 -m venv /tmp/bench-venv &&
/tmp/bench-venv/bin/pip install locust``), PostgreSQL at 127.0.0.1:5432 with trust auth
and Redis at 127.0.0.1:6379)::

    .venv/bin/python bench/load.py [--duration 15] [--connections 50]
        [--database-url postgres://postgres:postgres@127.0.0.1:5432/hydra_bench_load]
        [--redis-url redis://127.0.0.1:6379/0] [--json out.json]

What it does, in one invocation:

1. drops, recreates and migrates the bench database and sets Django up in this process in
   full mode (PostgreSQL, Redis channel layer), as a ``scenarios`` worker runs; starts
   nginx (one worker process, logs off, generated config in a temp dir) serving a small
   static file on a free 127.0.0.1 port; both are removed at the end;
2. every Hydra figure except the one marked engine-only goes through the real path: a
   ``Scenario`` and a queued ``ScenarioRun`` are created and
   ``scenarios.services.run_execute`` claims and executes it, so each second is written as
   Hydra series (``points_ingest``), updates the run row, is published as a ``run:<id>``
   live message through Redis (a subscriber in this process counts them, as the run page
   would) and checks the cancel flag; the run's stored points and received messages are
   printed, so a run that recorded nothing cannot pass unnoticed. The time of each
   ``record_run_second`` call (wall, and CPU on the writer thread) is measured around the
   call;
3. throughput, closed model, 50 connections for 15 s each, one after the other on the same
   nginx: Hydra real path (constant-vus), Hydra engine-only (the same engine, event loop
   and garbage-collector set-up as ``run_execute``, with an in-memory per-second callback:
   no database, no publishing; for comparison),
   ``wrk -c 50 -t 2 --latency`` and Locust (``FastHttpUser``, headless, 50 users spawned
   at once);
4. arrival-rate accuracy: Hydra real path, constant-arrival-rate at 2,000 req/s for 15 s,
   completed-request rate vs target, with each second's rate (a stall shows as a short
   second followed by a long one); then the same engine-only, for comparison;
5. latency at a moderate fixed rate: wrk has no fixed-rate mode (wrk2 is not packaged),
   so Hydra's p50 (real path) at 1,000 req/s (open model, far below saturation, so no
   queueing) is compared with wrk's p50 at 4 connections (closed model, also essentially
   unqueued). Both then measure the bare request/response time of an idle server; Hydra's
   figure being within 20 % of wrk's shows its timing adds little client-side overhead.

Targets: Hydra real path >= 1.5x Locust req/s; arrival rate within +-2 %; p50 within 20 %
of wrk's. Figures are noisy on a shared 2-core machine: the load generator and nginx
compete for the same cores (and PostgreSQL, Redis and whatever else runs), wrk uses two
threads where Hydra and Locust use one process; the load averages are printed.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # Django project root

import _loadpath  # noqa: E402,I001  (bench/ is on sys.path when run as a script)
from _server import HOST, database_drop, free_port  # noqa: E402

NGINX_CONF = """worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log /dev/null crit;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  keepalive_requests 10000000;
  client_body_temp_path {tmp}; proxy_temp_path {tmp}; fastcgi_temp_path {tmp};
  uwsgi_temp_path {tmp}; scgi_temp_path {tmp};
  server {{ listen {host}:{port}; location / {{ root {tmp}/www; }} }}
}}
"""
LOCUSTFILE = """from locust import FastHttpUser, task


class Bench(FastHttpUser):
    @task
    def get(self):
        self.client.get("/index.html")
"""


def start_nginx(tmp: Path) -> tuple[subprocess.Popen, str]:
    """Start nginx in the foreground (killed at the end); returns (process, file URL)."""
    (tmp / "www").mkdir()
    (tmp / "www" / "index.html").write_text("<h1>hydra load bench</h1>\n" * 4)
    port = free_port()
    (tmp / "nginx.conf").write_text(NGINX_CONF.format(tmp=tmp, host=HOST, port=port))
    proc = subprocess.Popen(["nginx", "-c", str(tmp / "nginx.conf"), "-p", str(tmp)])
    for _ in range(50):
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
            return proc, f"http://{HOST}:{port}/index.html"
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("nginx did not start")


def wrk(url: str, connections: int, threads: int, duration: int) -> tuple[float, float]:
    """Run wrk; returns (req/s, p50 in ms)."""
    cmd = ["wrk", f"-c{connections}", f"-t{threads}", f"-d{duration}s", "--latency", url]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"50%\s+([\d.]+)(us|ms|s)", out).groups()
    return rps, float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def locust(url: str, users: int, duration: int, tmp: Path) -> tuple[float, float]:
    """Run Locust headless; returns (req/s, p50 in ms) from its CSV stats."""
    exe = os.environ.get("LOCUST", "/tmp/bench-venv/bin/locust")
    if not Path(exe).exists() and not shutil.which(exe):
        raise RuntimeError(f"Locust not found at {exe} (set LOCUST)")
    (tmp / "locustfile.py").write_text(LOCUSTFILE)
    host = url.rsplit("/", 1)[0]
    cmd = [exe, "-f", str(tmp / "locustfile.py"), "--headless", "-u", str(users), "-r"]
    cmd += [str(users), "-t", f"{duration}s", "-H", host, "--csv", str(tmp / "loc")]
    subprocess.run(cmd + ["--only-summary"], capture_output=True, text=True, cwd=tmp)
    with open(tmp / "loc_stats.csv") as fh:
        row = next(r for r in csv.DictReader(fh) if r["Name"] == "Aggregated")
    return float(row["Requests/s"]), float(row["50%"])


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rate", type=float, default=2000)
    parser.add_argument("--moderate-rate", type=float, default=1000)
    parser.add_argument(
        "--database-url", default="postgres://postgres:postgres@127.0.0.1:5432/hydra_bench_load"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--json", type=Path, help="also write the results here")
    return parser.parse_args()


def main() -> None:
    """Run every measurement and print the tables."""
    args = parse_args()
    load_start = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="hydra-bench-") as tmpdir:
        tmp = Path(tmpdir)
        _loadpath.setup(args.database_url, args.redis_url, str(tmp / "data"))
        try:
            proc, url = start_nginx(tmp)
            try:
                results = measure(url, args, tmp)
            finally:
                proc.terminate()
                proc.wait(timeout=10)
        finally:
            if not args.keep:
                database_drop(args.database_url)
    results["load"] = {"start": load_start, "end": os.getloadavg()}
    report(results, args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=_json_default))


def _json_default(value: object) -> object:
    if isinstance(value, _loadpath.RealRun):
        return {**vars(value), "record": vars(value.record)}
    raise TypeError(type(value).__name__)


def measure(url: str, args: argparse.Namespace, tmp: Path) -> dict:
    """All runs, one after the other, on the same nginx."""
    dur, conns = args.duration, args.connections
    out: dict = {}
    print(f"target {url}; {dur}s per run; loop {_loadpath.loop_name()}", flush=True)
    closed = {"executor": "constant-vus", "vus": conns}
    out["hydra"] = _loadpath.real_run(url, dur, **closed)
    print(f"hydra real path  {out['hydra'].summary['rps']:.0f} req/s", flush=True)
    out["engine"] = _loadpath.engine_run(url, dur, **closed)
    print(f"hydra engine     {out['engine'][0]['rps']:.0f} req/s", flush=True)
    out["wrk"] = wrk(url, conns, 2, dur)
    print(f"wrk              {out['wrk'][0]:.0f} req/s", flush=True)
    out["locust"] = locust(url, conns, dur, tmp)
    print(f"locust           {out['locust'][0]:.0f} req/s", flush=True)
    arrival = {"executor": "constant-arrival-rate", "rate": args.rate}
    out["arrival"] = _loadpath.real_run(url, dur, **arrival)
    print(f"hydra arrival    {_achieved(out['arrival'].summary):.1f} req/s", flush=True)
    out["arrival_engine"] = _loadpath.engine_run(url, dur, **arrival)
    moderate = {"executor": "constant-arrival-rate", "rate": args.moderate_rate}
    out["moderate"] = _loadpath.real_run(url, min(dur, 10), **moderate)
    out["wrk4"] = wrk(url, 4, 1, min(dur, 10))
    return out


def _recorded(run: _loadpath.RealRun) -> str:
    """What the real path wrote and published, and what recording cost."""
    wall, cpu = run.record.wall_ms, run.record.cpu_ms
    cost = ""
    if wall:
        cost = (
            f"; record_run_second wall mean {statistics.fmean(wall):.1f} ms "
            f"(max {max(wall):.1f}), writer CPU mean {statistics.fmean(cpu):.1f} ms"
        )
    return (
        f"{run.seconds_recorded} seconds recorded, {run.points} points stored, "
        f"{run.live_messages} live messages ({run.live_seconds} per-second){cost}"
    )


def report(res: dict, args: argparse.Namespace) -> None:
    """Print the comparison tables."""
    dur, conns = args.duration, args.connections
    real, (engine, ticks) = res["hydra"], res["engine"]
    h = real.summary
    (w_rps, w_p50), (l_rps, l_p50) = res["wrk"], res["locust"]
    arrival, moderate, (_, w4_p50) = res["arrival"], res["moderate"], res["wrk4"]
    achieved = _achieved(arrival.summary)
    accuracy = (achieved / args.rate - 1) * 100
    arrival_engine, engine_seconds = res["arrival_engine"]
    engine_achieved = _achieved(arrival_engine)
    p50_ratio = moderate.summary["latency_ms"]["p50"] / w4_p50
    rows = [
        ("tool", "req/s", "p50 ms", "note"),
        ("hydra", f"{h['rps']:.0f}", f"{h['latency_ms']['p50']:.3f}", "real path: run_execute"),
        (
            "engine",
            f"{engine['rps']:.0f}",
            f"{engine['latency_ms']['p50']:.3f}",
            f"engine only, no DB/publishing ({len(ticks)} callbacks)",
        ),
        ("wrk", f"{w_rps:.0f}", f"{w_p50:.3f}", "-t 2"),
        ("locust", f"{l_rps:.0f}", f"{l_p50:.3f}", "FastHttpUser"),
    ]
    load = res["load"]
    print(f"\nload average at start {_load(load['start'])}, at end {_load(load['end'])}")
    print(f"Throughput, {conns} connections/VUs, {dur}s each (event loop {_loadpath.loop_name()})")
    for row in rows:
        print(f"  {row[0]:<8}{row[1]:>10}{row[2]:>10}  {row[3]}")
    print(f"  hydra/locust = {h['rps'] / l_rps:.2f}x (target >= 1.5x)")
    print(f"  engine/locust = {engine['rps'] / l_rps:.2f}x (engine only, for comparison)")
    print(f"  hydra/engine = {h['rps'] / engine['rps']:.2f}x (cost of the real path)")
    print(f"  hydra/wrk    = {h['rps'] / w_rps:.2f}x")
    print(f"  hydra run: {_recorded(real)}")
    summary = arrival.summary
    print(f"\nArrival rate {args.rate:.0f} req/s for {dur}s (real path): achieved {achieved:.1f}")
    print(
        f"  req/s, deviation {accuracy:+.2f}% (target within +-2%), dropped {summary['dropped']},"
    )
    print(f"  errors {summary['errors']}; {_recorded(arrival)}")
    print(f"  per second: {_per_second(arrival.record.seconds)}")
    engine_dev = (engine_achieved / args.rate - 1) * 100
    print(
        f"  engine only (no DB/publishing), same rate: {engine_achieved:.1f} req/s, "
        f"{engine_dev:+.2f}%, dropped {arrival_engine['dropped']}"
    )
    print(f"  per second: {_per_second(engine_seconds)}")
    print(f"\nLatency at a moderate rate ({args.moderate_rate:.0f} req/s, open model, real path)")
    p50 = moderate.summary["latency_ms"]["p50"]
    print(f"  hydra p50 {p50:.3f} ms vs wrk -c 4 p50 {w4_p50:.3f} ms")
    print(f"  ratio {p50_ratio:.2f} (target within 20%: 0.8-1.2)")


def _achieved(summary: dict) -> float:
    """Completed requests per second over the run."""
    return summary["requests"] / summary["duration_s"]


def _per_second(seconds: list[dict]) -> str:
    """Each second's rate (interval in brackets when it was not about one second)."""
    parts = []
    for sec in seconds:
        part = f"{sec['rps']:.0f}"
        if abs(sec["interval"] - 1) > 0.05:
            part += f"[{sec['interval']:.2f}s]"
        if sec["dropped"]:
            part += f"(-{sec['dropped']})"
        parts.append(part)
    return " ".join(parts)


def _load(values: tuple[float, float, float]) -> str:
    return " ".join(f"{v:.2f}" for v in values)


if __name__ == "__main__":
    main()
