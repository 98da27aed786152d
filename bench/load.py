"""Load-engine benchmark: Hydra vs wrk vs Locust against a local nginx (127.0.0.1 only).

Usage (from the repository root; needs ``apt-get install -y nginx wrk`` and Locust in
``/tmp/bench-venv`` or at ``$LOCUST``)::

    /tmp/req/venv/bin/python bench/load.py [--duration 15] [--connections 50]

What it does, in one invocation:

1. starts nginx (one worker process, logs off, generated config in a temp dir) serving a
   small static file on a free 127.0.0.1 port, and stops it at the end;
2. throughput, closed model, 50 connections for 15 s each: Hydra's engine (constant-vus,
   HDR histograms and a per-second callback on), ``wrk -c 50 -t 2 --latency`` and Locust
   (``FastHttpUser``, headless, 50 users spawned at once);
3. arrival-rate accuracy: Hydra constant-arrival-rate at 2,000 req/s for 15 s, achieved
   completed-request rate vs target;
4. latency at a moderate fixed rate: wrk has no fixed-rate mode (wrk2 is not packaged),
   so Hydra's p50 at 1,000 req/s (open model, far below saturation, so no queueing) is
   compared with wrk's p50 at 4 connections (closed model, also essentially unqueued).
   Both then measure the bare request/response time of an idle server; Hydra's figure
   being within 20 % of wrk's shows its timing adds little client-side overhead.

Targets: Hydra >= 1.5x Locust req/s; arrival rate within +-2 %; p50 within 20 % of wrk's.
Figures are noisy on a shared 2-core machine: the load generator and nginx compete for
the same cores, and wrk uses two threads where Hydra and Locust use one process.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scenarios.engine import ScenarioRun, ScenarioSpec  # noqa: E402

HOST = "127.0.0.1"
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


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


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


def hydra(url: str, duration: float, **spec: object) -> tuple[dict, int]:
    """Run Hydra's engine in-process; returns (summary dict, callbacks received)."""
    seconds = []
    data = {"requests": [{"url": url}], "duration": duration, "timeout": 5, **spec}
    run = ScenarioRun(ScenarioSpec.from_dict(data), on_second=seconds.append)
    summary = asyncio.run(run.run())
    return summary.as_dict(), len(seconds)


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


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--rate", type=float, default=2000)
    parser.add_argument("--moderate-rate", type=float, default=1000)
    args = parser.parse_args()
    dur, conns = args.duration, args.connections
    with tempfile.TemporaryDirectory(prefix="hydra-bench-") as tmpdir:
        tmp = Path(tmpdir)
        proc, url = start_nginx(tmp)
        try:
            results = measure(url, dur, conns, args, tmp)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    report(results, dur, conns, args)


def measure(url: str, dur: int, conns: int, args: argparse.Namespace, tmp: Path) -> dict:
    """All runs, one after the other."""
    out: dict = {}
    print(f"target {url}; {dur}s per run", flush=True)
    out["hydra"] = hydra(url, dur, executor="constant-vus", vus=conns)
    print(f"hydra  {out['hydra'][0]['rps']:.0f} req/s", flush=True)
    out["wrk"] = wrk(url, conns, 2, dur)
    print(f"wrk    {out['wrk'][0]:.0f} req/s", flush=True)
    out["locust"] = locust(url, conns, dur, tmp)
    print(f"locust {out['locust'][0]:.0f} req/s", flush=True)
    out["arrival"] = hydra(url, dur, executor="constant-arrival-rate", rate=args.rate)
    moderate = {"executor": "constant-arrival-rate", "rate": args.moderate_rate}
    out["moderate"] = hydra(url, min(dur, 10), **moderate)
    out["wrk4"] = wrk(url, 4, 1, min(dur, 10))
    return out


def report(res: dict, dur: int, conns: int, args: argparse.Namespace) -> None:
    """Print the comparison table."""
    (h, ticks), (w_rps, w_p50), (l_rps, l_p50) = res["hydra"], res["wrk"], res["locust"]
    arrival, moderate, (_, w4_p50) = res["arrival"][0], res["moderate"][0], res["wrk4"]
    achieved = arrival["requests"] / arrival["duration_s"]
    accuracy = (achieved / args.rate - 1) * 100
    p50_ratio = moderate["latency_ms"]["p50"] / w4_p50
    rows = [
        ("tool", "req/s", "p50 ms", "note"),
        ("hydra", f"{h['rps']:.0f}", f"{h['latency_ms']['p50']:.3f}", f"{ticks} callbacks"),
        ("wrk", f"{w_rps:.0f}", f"{w_p50:.3f}", "-t 2"),
        ("locust", f"{l_rps:.0f}", f"{l_p50:.3f}", "FastHttpUser"),
    ]
    print(f"\nThroughput, {conns} connections/VUs, {dur}s each")
    for row in rows:
        print(f"  {row[0]:<8}{row[1]:>10}{row[2]:>10}  {row[3]}")
    print(f"  hydra/locust = {h['rps'] / l_rps:.2f}x (target >= 1.5x)")
    print(f"  hydra/wrk    = {h['rps'] / w_rps:.2f}x")
    print(f"\nArrival rate {args.rate:.0f} req/s for {dur}s: achieved {achieved:.1f} req/s")
    print(f"  deviation {accuracy:+.2f}% (target within +-2%), dropped {arrival['dropped']},")
    print(f"  errors {arrival['errors']}")
    print(f"\nLatency at a moderate rate ({args.moderate_rate:.0f} req/s, open model)")
    print(f"  hydra p50 {moderate['latency_ms']['p50']:.3f} ms vs wrk -c 4 p50 {w4_p50:.3f} ms")
    print(f"  ratio {p50_ratio:.2f} (target within 20%: 0.8-1.2)")


if __name__ == "__main__":
    main()
