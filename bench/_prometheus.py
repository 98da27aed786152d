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
