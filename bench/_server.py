"""What the benchmarks share: running manage.py, starting and stopping daphne (alone, as
``make run`` does, or N of them behind nginx as in deploy/nginx.conf), HTTP GET, the
machine's description, and recreating/dropping a bench database."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import orjson
import psycopg

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


def manage(env: dict, *argv: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(argv)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def daphne_start(env: dict, port: int, log: Path) -> subprocess.Popen:
    # daphne as the Procfiles start it (its access log's credentials redacted)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "hydra.serve",
            "-b",
            HOST,
            "-p",
            str(port),
            "hydra.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


@dataclass
class Web:
    """The web tier under test: ``port`` is what clients use; ``daphne_ports`` are the
    daphne processes themselves (the same single port without nginx)."""

    port: int
    daphne_ports: list[int]
    procs: list[subprocess.Popen] = field(default_factory=list)

    @property
    def description(self) -> str:
        n = len(self.daphne_ports)
        if n == 1:
            return "1 daphne process (what `make run` starts in full mode)"
        return f"{n} daphne processes behind nginx (deploy/nginx.conf; round-robin per request)"


def web_start(env: dict, port: int, log_dir: Path, processes: int = 1) -> Web:
    """One daphne on ``port``, or ``processes`` daphnes behind nginx listening on ``port``."""
    if processes == 1:
        proc = daphne_start(env, port, log_dir / "daphne.log")
        wait_healthy(port, proc, log_dir / "daphne.log")
        return Web(port, [port], [proc])
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("--web-processes > 1 needs nginx (apt-get install nginx-light)")
    web = Web(port, [free_port() for _ in range(processes)])
    try:
        for i, p in enumerate(web.daphne_ports):
            log = log_dir / f"daphne-{i}.log"
            web.procs.append(daphne_start(env, p, log))
            wait_healthy(p, web.procs[-1], log)
        prefix = log_dir / "nginx"
        prefix.mkdir(exist_ok=True)
        (prefix / "nginx.conf").write_text(nginx_conf(port, web.daphne_ports))
        log = log_dir / "nginx.log"
        web.procs.append(
            subprocess.Popen(
                [nginx, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        wait_healthy(port, web.procs[-1], log)
    except BaseException:
        web_stop(web)
        raise
    return web


def nginx_conf(port: int, daphne_ports: list[int]) -> str:
    """deploy/nginx.conf with this run's ports."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    servers = "".join(f"        server {HOST}:{p};\n" for p in daphne_ports)
    text = re.sub(r"(?m)^        server 127\.0\.0\.1:\d+;\n", "", text)
    text = text.replace("        keepalive 32;", servers + "        keepalive 32;")
    return text.replace("listen 127.0.0.1:8000;", f"listen {HOST}:{port};")


def web_stop(web: Web) -> None:
    for proc in reversed(web.procs):
        daphne_stop(proc)


def daphne_stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait_healthy(port: int, proc: subprocess.Popen, log: Path, timeout: float = 60) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"daphne exited:\n{log.read_text()[-3000:]}")
        try:
            status, body = http_get(port, "/api/v1/health")
            if status == 200:
                return orjson.loads(body)
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"daphne not healthy after {timeout} s:\n{log.read_text()[-3000:]}")


def http_get(port: int, path: str, headers: dict | None = None) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


# --------------------------------------------------------------------------- machine and database


def machine_info(dsn: str) -> dict:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    with psycopg.connect(dsn) as conn:
        pg = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "postgresql": pg,
        "python": sys.version.split()[0],
        "load_at_start": os.getloadavg(),
    }


def admin_dsn(url: str) -> tuple[str, str]:
    """(DSN of the ``postgres`` maintenance database, bench database name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise SystemExit(f"unexpected database name {name!r}")
    return urlunsplit(parts._replace(path="/postgres")), name


def database_recreate(url: str) -> None:
    dsn, name = admin_dsn(url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")


def database_drop(url: str) -> None:
    dsn, name = admin_dsn(url)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
