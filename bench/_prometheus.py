"""A throwaway Prometheus 2.42 (Debian's binary) serving backfilled data, for benchmarks
that compare Hydra's PromQL engine with the reference on the same samples."""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import numpy as np


def _text(v: float) -> str:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return repr(v)


def write_openmetrics(path: Path, series: Iterable[tuple[dict, np.ndarray, np.ndarray]]) -> None:
    """OpenMetrics text with timestamps (families untyped), for promtool's backfill."""
    with path.open("w") as out:
        for labels, ts, values in series:
            inner = ",".join(f'{k}="{v}"' for k, v in labels.items() if k != "__name__")
            head = f"{labels['__name__']}{{{inner}}} "
            secs = (ts / 1000).tolist()
            out.write(
                "".join(
                    f"{head}{_text(v)} {t}\n" for t, v in zip(secs, values.tolist(), strict=True)
                )
            )
        out.write("# EOF\n")


@contextmanager
def prometheus(
    series: Iterable[tuple[dict, np.ndarray, np.ndarray]], port: int
) -> Iterator[httpx.Client]:
    """Backfill ``series`` into a fresh data directory and serve it on 127.0.0.1:``port``."""
    if not (shutil.which("prometheus") and shutil.which("promtool")):
        raise SystemExit("needs Debian's prometheus and promtool (apt-get install prometheus)")
    with tempfile.TemporaryDirectory(prefix="hydra-prometheus-") as tmp:
        data = Path(tmp)
        write_openmetrics(data / "in.om", series)
        subprocess.run(["promtool", "tsdb", "create-blocks-from", "openmetrics", "-q",
                        str(data / "in.om"), str(data / "tsdb")], check=True)  # fmt: skip
        (data / "in.om").unlink()
        config = data / "prometheus.yml"
        config.write_text("global:\n  scrape_interval: 15s\n")
        cmd = ["prometheus", f"--config.file={config}", f"--storage.tsdb.path={data / 'tsdb'}",
               f"--web.listen-address=127.0.0.1:{port}", "--storage.tsdb.retention.time=100y"]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
                _wait_ready(client)
                yield client
        finally:
            proc.terminate()
            proc.wait(timeout=60)


def _wait_ready(client: httpx.Client) -> None:
    for _ in range(600):
        try:
            if client.get("/-/ready").status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("prometheus did not become ready")


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def write_request(series: Iterable[tuple[dict, np.ndarray, np.ndarray]]) -> bytes:
    """A remote-write 1.0 ``WriteRequest`` (protobuf, snappy-compressed); values keep their
    bits, so staleness markers (``STALE_NAN``) go through."""
    import cramjam

    body = bytearray()
    for labels, ts, values in series:
        parts = [
            _field(1, _field(1, k.encode()) + _field(2, v.encode()))
            for k, v in sorted(labels.items())
        ]
        for t, v in zip(
            ts.tolist(), values.astype("<f8").tobytes().hex(" ", 8).split(), strict=True
        ):
            sample = b"\x09" + bytes.fromhex(v) + b"\x10" + _varint(t & 0xFFFFFFFFFFFFFFFF)
            parts.append(_field(2, sample))
        body += _field(1, b"".join(parts))
    return bytes(cramjam.snappy.compress_raw(bytes(body)))


@contextmanager
def prometheus_receiving(port: int) -> Iterator[httpx.Client]:
    """A fresh Prometheus that accepts remote write (``/api/v1/write``)."""
    if not shutil.which("prometheus"):
        raise SystemExit("needs Debian's prometheus (apt-get install prometheus)")
    with tempfile.TemporaryDirectory(prefix="hydra-prometheus-rw-") as tmp:
        data = Path(tmp)
        (data / "prometheus.yml").write_text("global:\n  scrape_interval: 15s\n")
        cmd = ["prometheus", f"--config.file={data / 'prometheus.yml'}",
               f"--storage.tsdb.path={data / 'tsdb'}", f"--web.listen-address=127.0.0.1:{port}",
               "--web.enable-remote-write-receiver"]  # fmt: skip
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
                _wait_ready(client)
                yield client
        finally:
            proc.terminate()
            proc.wait(timeout=60)


def remote_write(client: httpx.Client, series: list, batch_ms: int = 60_000) -> None:
    """Send ``series`` in time order, ``batch_ms`` of every series per request (the head
    only takes samples less than an hour older than its newest)."""
    first = min(int(ts[0]) for _, ts, _ in series if len(ts))
    last = max(int(ts[-1]) for _, ts, _ in series if len(ts))
    headers = {"Content-Encoding": "snappy", "Content-Type": "application/x-protobuf",
               "X-Prometheus-Remote-Write-Version": "0.1.0"}  # fmt: skip
    for lo in range(first, last + 1, batch_ms):
        chunk = []
        for labels, ts, values in series:
            keep = (ts >= lo) & (ts < lo + batch_ms)
            if keep.any():
                chunk.append((labels, ts[keep], values[keep]))
        client.post(
            "/api/v1/write", content=write_request(chunk), headers=headers
        ).raise_for_status()
