"""Throwaway InfluxDB 1.6 and VictoriaMetrics (Debian's binaries ``influxd`` and
``victoria-metrics``) for bench/storage_compare.py: each run gets its own configuration,
temporary data directory and free 127.0.0.1 ports, never the system service, and is
stopped at the end. Both take InfluxDB line protocol at ``write_path`` (``precision=s``).

Compaction: InfluxDB 1.6 has no endpoint to force it, so its configuration makes the
cache snapshot after 5 s without writes and a shard fully compacted after 10 s;
``settle`` waits until the WAL is empty and the TSM files have not changed for 30 s.
VictoriaMetrics: ``/internal/force_flush`` then ``/internal/force_merge``, and ``settle``
waits until no merge is active and the files have not changed for 10 s, and repeats
that until each monthly partition is a single part.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from _server import HOST, daphne_stop, free_port

logging.getLogger("httpx").setLevel(logging.WARNING)  # Django's logging config shows requests

INSTALL = (
    "needs InfluxDB 1.6 and VictoriaMetrics: apt-get install influxdb victoria-metrics "
    "(Debian 12 packages; their services are not used, the bench starts its own processes)"
)
INFLUX_CONF = """reporting-disabled = true
bind-address = "{host}:{rpc}"
[meta]
  dir = "{root}/meta"
[data]
  dir = "{root}/data"
  wal-dir = "{root}/wal"
  query-log-enabled = false
  cache-snapshot-write-cold-duration = "5s"
  compact-full-write-cold-duration = "10s"
[retention]
  enabled = false
[shard-precreation]
  enabled = false
[monitor]
  store-enabled = false
[http]
  bind-address = "{host}:{port}"
  log-enabled = false
[ifql]
  enabled = false
[continuous_queries]
  enabled = false
[subscriber]
  enabled = false
"""


class Influx:
    name = "InfluxDB"
    package = "influxdb"
    write_path = "/write?db=bench&precision=s"

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root / "influxdb", port
        self.root.mkdir()
        conf = INFLUX_CONF.format(host=HOST, rpc=free_port(), port=port, root=self.root)
        (root / "influxdb.conf").write_text(conf)
        self.command = [binary("influxd"), "-config", str(root / "influxdb.conf")]

    def ready(self, client: httpx.Client) -> bool:
        if client.get("/ping").status_code != 204:
            return False
        client.post("/query", data={"q": "CREATE DATABASE bench"}).raise_for_status()
        return True

    def settle(self, client: httpx.Client) -> None:
        def busy() -> bool:
            files = [p for p in self.root.rglob("*") if p.is_file()]
            return any(p.suffix == ".tmp" for p in files) or any(
                size(p) for p in files if p.suffix == ".wal"
            )

        wait_quiet(self.root, busy, quiet=30)

    def count(self, client: httpx.Client, measurement: str, start_s: int, end_s: int) -> int:
        q = f'SELECT count(value) FROM "{measurement}" WHERE time >= {start_s}s AND time <= {end_s}s'
        got = client.post("/query", params={"db": "bench"}, data={"q": q})
        series = got.raise_for_status().json()["results"][0].get("series", [])
        return int(series[0]["values"][0][1]) if series else 0

    def note(self, client: httpx.Client) -> str:
        tsm = list(self.root.rglob("*.tsm"))
        return f"{len(tsm)} TSM files in {len({p.parent for p in tsm})} shards"

    @staticmethod
    def part(rel: Path) -> str:
        if rel.suffix == ".tsm":
            return "TSM files"
        if rel.parts[0] == "wal":
            return "WAL"
        return "series file" if "_series" in rel.parts else "other (meta, fields.idx, dirs)"


class Victoria:
    name = "VictoriaMetrics"
    package = "victoria-metrics"
    write_path = "/write?precision=s"

    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root / "victoria-metrics", port
        self.command = [binary("victoria-metrics"), f"-storageDataPath={self.root}",
                        f"-httpListenAddr={HOST}:{port}", "-retentionPeriod=100y"]  # fmt: skip

    def ready(self, client: httpx.Client) -> bool:
        return client.get("/health").status_code == 200

    def flush(self, client: httpx.Client) -> None:
        client.get("/internal/force_flush").raise_for_status()

    def settle(self, client: httpx.Client) -> None:
        """Flush and force-merge until each monthly partition is one part (a merge that
        starts while a background one runs leaves those parts out)."""

        def busy() -> bool:
            text = client.get("/metrics").text
            pattern = r"^vm_(?:active_force_merges|active_merges|pending_rows)\b.* (\d+)$"
            return any(int(n) for n in re.findall(pattern, text, re.MULTILINE))

        for _ in range(10):
            self.flush(client)
            client.get("/internal/force_merge").raise_for_status()
            wait_quiet(self.root, busy, quiet=10)
            if all(n == 1 for n in self.partitions().values()):
                return
        raise SystemExit(f"VictoriaMetrics: parts not merged: {self.partitions()}")

    def partitions(self) -> dict[str, int]:
        """Parts per monthly partition (``data/{small,big}/YYYY_MM/<part>``)."""
        out: dict[str, int] = {}
        for part in self.root.glob("data/*/*_*/*"):
            if part.is_dir() and part.name not in ("tmp", "txn"):
                out[part.parent.name] = out.get(part.parent.name, 0) + 1
        return out

    def count(self, client: httpx.Client, measurement: str, start_s: int, end_s: int) -> int:
        self.flush(client)
        q = f"sum(count_over_time({measurement}_value[{end_s - start_s + 1}s]))"
        got = client.get("/api/v1/query", params={"query": q, "time": end_s})
        result = got.raise_for_status().json()["data"]["result"]
        return int(result[0]["value"][1]) if result else 0

    def note(self, client: httpx.Client) -> str:
        parts = self.partitions()
        return f"{sum(parts.values())} parts in {len(parts)} monthly partitions"

    @staticmethod
    def part(rel: Path) -> str:
        return {"data": "data (parts)", "indexdb": "indexdb"}.get(rel.parts[0], "other")


Tsdb = Influx | Victoria
KINDS: tuple[type[Influx] | type[Victoria], ...] = (Influx, Victoria)


def binary(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise SystemExit(f"`{name}` not found: {INSTALL}")
    return found


def version(package: str) -> str:
    """The Debian package's version (the binaries built by Debian don't report theirs)."""
    done = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package],
                          capture_output=True, text=True, check=False)  # fmt: skip
    return done.stdout.strip() or "unknown version"


def size(path: Path) -> int:
    """Bytes allocated on disk (what ``du`` counts: sparse files count what they hold)."""
    try:
        return path.lstat().st_blocks * 512
    except FileNotFoundError:  # removed by a compaction meanwhile
        return 0


def disk_usage(db: Tsdb) -> dict[str, int]:
    """The data directory's allocated bytes by part (every file and directory under it)."""
    out: dict[str, int] = {}
    for path in db.root.rglob("*"):
        key = db.part(path.relative_to(db.root))
        out[key] = out.get(key, 0) + size(path)
    return out


def wait_quiet(root: Path, busy: Callable[[], bool], quiet: float, timeout: float = 3600) -> None:
    """Until ``busy()`` is false and no file under ``root`` changed for ``quiet`` seconds."""
    last: object = None
    since = deadline = time.monotonic()
    deadline += timeout
    while time.monotonic() < deadline:
        state = sorted((str(p), size(p)) for p in root.rglob("*"))
        if state != last or busy():
            last, since = state, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(1)
    raise SystemExit(f"{root} still changing after {timeout:.0f} s")


@contextmanager
def running(kind: type[Influx] | type[Victoria]) -> Iterator[tuple[Tsdb, httpx.Client]]:
    """A fresh ``kind`` on a free port with its own data directory, stopped at the end."""
    with tempfile.TemporaryDirectory(prefix=f"hydra-{kind.package}-") as tmp:
        db = kind(Path(tmp), free_port())
        log = Path(tmp) / "server.log"
        proc = subprocess.Popen(db.command, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip
        try:
            with httpx.Client(base_url=f"http://{HOST}:{db.port}", timeout=600) as client:
                wait_ready(db, client, proc, log)
                yield db, client
        finally:
            daphne_stop(proc)  # SIGTERM, SIGKILL after 15 s


def wait_ready(db: Tsdb, client: httpx.Client, proc: subprocess.Popen, log: Path) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"{db.name} exited:\n{log.read_text()[-3000:]}")
        try:
            if db.ready(client):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit(f"{db.name} not ready after 60 s:\n{log.read_text()[-3000:]}")
