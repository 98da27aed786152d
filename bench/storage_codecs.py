"""Codec study for the compressed storage tier (issue 17): bytes per timestamp and per
value of pcodec, Gorilla (Facebook's XOR/delta-of-delta), zstd and raw, by chunk size.

Usage (from the repository root)::

    .venv/bin/python bench/storage_codecs.py [--series 50] [--json out.json]

Data: the issue's CPU-like benchmark series (10 s, 2 decimals; ``--series`` of them), the
NAB dev subset (23 real and artificial series, 5 min to 1 h apart) and the demo simulator
(3 hosts × 8 metrics, 10 s, a day). Each series is cut into chunks of 360 / 2,160 / 8,640
/ 60,480 points (1 h / 6 h / 1 d / 7 d at 10 s), each chunk compressed on its own, and the
totals divided by the number of points. Gorilla is the ``gorillacompression`` package
(pure Python: timestamps in whole seconds, as in the paper; run on at most 8 series per
data set to keep the run short). zstd: level 3, values as raw float64 bytes, timestamps
as deltas (int64 bytes). Also timed: compress+decompress of the pcodec choice.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np
import pcodec
import zstandard
from pcodec import standalone

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _storage_data import cpu_values, grid_timestamps, nab_series, simulator_series  # noqa: E402

CHUNKS = {"1h": 360, "6h": 2_160, "1d": 8_640, "7d": 60_480}
ZSTD = zstandard.ZstdCompressor(level=3)


def pco(values: np.ndarray) -> int:
    return len(standalone.simple_compress(values, pcodec.ChunkConfig()))


def zstd_ts(ts: np.ndarray) -> int:
    return len(ZSTD.compress(np.diff(ts, prepend=0).astype("<i8").tobytes()))


def zstd_values(values: np.ndarray) -> int:
    return len(ZSTD.compress(values.astype("<f8").tobytes()))


def gorilla_ts(ts: np.ndarray) -> int:
    from gorillacompression import TimestampsEncoder

    return len(TimestampsEncoder.encode_all((ts // 1_000_000).tolist())["encoded"])


def gorilla_values(values: np.ndarray) -> int:
    from gorillacompression import ValuesEncoder

    return len(ValuesEncoder.encode_all(values.tolist())["encoded"])


CODECS = {
    "pcodec": (pco, pco),
    "gorilla": (gorilla_ts, gorilla_values),
    "zstd-3": (zstd_ts, zstd_values),
    "raw": (lambda ts: 8 * len(ts), lambda v: 8 * len(v)),
}


def datasets(n_cpu: int) -> dict[str, list[tuple[str, np.ndarray, np.ndarray]]]:
    points = 60_480 * 2
    ts = grid_timestamps(points, 1_780_000_000 * 1_000_000)
    cpu = [(f"cpu{i}", ts, v) for i, v in enumerate(cpu_values(0, n_cpu, points))]
    return {"cpu (bench)": cpu, "nab": list(nab_series()), "simulator": list(simulator_series())}


def measure(series, chunk: int, codec: str) -> tuple[float, float]:
    ts_fn, val_fn = CODECS[codec]
    if codec == "gorilla":
        series = series[:8]
    n = ts_bytes = val_bytes = 0
    for _, ts, values in series:
        for a in range(0, len(ts), chunk):
            ts_bytes += ts_fn(ts[a : a + chunk])
            val_bytes += val_fn(values[a : a + chunk])
            n += len(ts[a : a + chunk])
    return ts_bytes / n, val_bytes / n


def speed(series, chunk: int) -> dict[str, float]:
    """pcodec compress and decompress throughput (million values per s, both columns)."""
    blobs, n, t0 = [], 0, time.perf_counter()
    for _, ts, values in series:
        for a in range(0, len(ts), chunk):
            blobs.append(standalone.simple_compress(ts[a : a + chunk], pcodec.ChunkConfig()))
            blobs.append(standalone.simple_compress(values[a : a + chunk], pcodec.ChunkConfig()))
            n += len(ts[a : a + chunk])
    t1 = time.perf_counter()
    for blob in blobs:
        standalone.simple_decompress(blob)
    t2 = time.perf_counter()
    return {"compress_mpts": n / (t1 - t0) / 1e6, "decompress_mpts": n / (t2 - t1) / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=50)
    parser.add_argument("--json")
    args = parser.parse_args()
    results: dict = defaultdict(dict)
    print("| data | chunk | codec | ts B/pt | value B/pt | total B/pt |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for name, series in datasets(args.series).items():
        for label, chunk in CHUNKS.items():
            for codec in CODECS:
                ts_b, val_b = measure(series, chunk, codec)
                results[name][f"{label}/{codec}"] = [ts_b, val_b]
                print(
                    f"| {name} | {label} | {codec} | {ts_b:.3f} | {val_b:.3f} | {ts_b + val_b:.3f} |"
                )
        results[name]["pcodec_speed_1d"] = speed(series, CHUNKS["1d"])
        print(f"pcodec speed ({name}, 1d chunks): {results[name]['pcodec_speed_1d']}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
