"""Prometheus remote write 1.0: a snappy-compressed protobuf ``WriteRequest`` -> a ``Batch``.

All or nothing: a malformed body, an invalid label set or a sample outside the accepted
time window refuses the request (400, which Prometheus does not retry); nothing is written.
Samples carry milliseconds; Hydra stores microseconds. Staleness markers (Prometheus's NaN
``0x7ff0000000000002``) become stale marks, any other NaN and ±Inf are values. Metadata
(type, help, unit per metric family) is stored on the family's series. Exemplars are
ignored; native histograms are refused (Hydra stores classic histograms' bucket series).

The body is decoded with ``WriteRequestView`` (``prom/protos/write_view.proto``): the
published message's wire format, with each label left encoded, so a label set seen before
costs one dictionary lookup of its bytes instead of a Label object per label; and its
samples by column with ``WriteRequestColumns`` (the same wire format read as two arrays per
series), so there is no Python object per sample.
"""

from __future__ import annotations

import itertools

import cramjam
import numpy as np
from django.conf import settings
from google.protobuf.message import DecodeError

from metrics.api.body import PayloadTooLarge, UnsupportedType
from metrics.ingest import Batch, IngestError, PointError, RequestTooLarge, SeriesMeta
from metrics.ingest.rules import Window
from prom.labels import LabelError, check_metric_name, series_key
from prom.promql.storage import STALE_NAN_BITS
from prom.protos.types_pb2 import Label, MetricMetadata
from prom.protos.write_view_pb2 import WriteRequestColumns, WriteRequestView

PROTOBUF_TYPES = ("application/x-protobuf",)
MAX_UNIT = 32
KEYS_MAX = 100_000  # ~1 KB each: a bound on memory, not a limit on series
_keys: dict[tuple, tuple] = {}  # encoded labels as sent -> (series key, derived host)

_TYPE = MetricMetadata.MetricType
TYPES = {  # Prometheus metric type -> (Series.type, suffixes of the family's series)
    _TYPE.COUNTER: ("counter", ("", "_total", "_created")),
    _TYPE.GAUGE: ("gauge", ("",)),
    _TYPE.HISTOGRAM: ("histogram", ("_bucket", "_sum", "_count", "_created")),
    _TYPE.GAUGEHISTOGRAM: ("gauge", ("_bucket", "_gsum", "_gcount")),
    _TYPE.SUMMARY: ("summary", ("", "_sum", "_count", "_created")),
    _TYPE.INFO: ("gauge", ("", "_info")),
    _TYPE.STATESET: ("gauge", ("",)),
    _TYPE.UNKNOWN: ("unknown", ("",)),
}


def unpack(body: bytes, encoding: str, limit: int) -> bytes:
    """The snappy block-format body, uncompressed, within ``limit`` bytes each way."""
    if len(body) > limit:
        raise PayloadTooLarge(f"Body is over {limit} bytes.")
    if encoding.strip().lower() != "snappy":
        raise UnsupportedType(
            "Remote write bodies are snappy-compressed: send Content-Encoding: snappy."
        )
    try:
        size = cramjam.snappy.decompress_raw_len(body)
        if size > limit:
            raise PayloadTooLarge(f"Uncompressed body is {size} bytes; at most {limit}.")
        return bytes(cramjam.snappy.decompress_raw(body))
    except cramjam.DecompressionError as exc:
        raise IngestError([_error(0, "body", f"body is not valid snappy: {exc}")]) from None


def parse_write_request(raw: bytes, precision: str | None = None) -> Batch:
    """A ``Batch`` of the request's samples, stale marks and metadata, or IngestError."""
    try:
        request = WriteRequestView.FromString(raw)
    except DecodeError as exc:
        raise IngestError([_error(0, "body", f"body is not a WriteRequest: {exc}")]) from None
    total = sum(len(ts.samples) for ts in request.timeseries)
    if total > settings.HYDRA_INGEST_MAX_POINTS:
        raise RequestTooLarge(
            f"{total} samples in one request; at most {settings.HYDRA_INGEST_MAX_POINTS}."
        )
    batch = Batch()
    _add_samples(batch, request, raw, Window.now())
    batch.meta = metadata(request)
    return batch


def _error(index: int, field: str, message: str) -> PointError:
    return {"index": index, "field": field, "message": message}


def _add_samples(batch: Batch, request, raw: bytes, window: Window) -> None:
    positions: list[int] = []
    counts: list[int] = []
    errors: list[PointError] = []
    for i, ts in enumerate(request.timeseries):
        try:
            positions.append(_series(batch, ts))
        except LabelError as exc:
            errors.append(_error(i, "labels", str(exc)))
            continue
        counts.append(len(ts.samples))
    if errors:
        raise IngestError(errors)
    stamps, values = _columns(request, raw, counts)
    index = np.repeat(np.asarray(positions, dtype=np.int64), counts)
    _fill(batch, index, stamps, values, window)


def _columns(request, raw: bytes, counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Every sample's timestamp and value, in request order: by column (``WriteRequestColumns``)
    for each series whose columns line up with its samples, else sample by sample."""
    columns = WriteRequestColumns.FromString(raw).timeseries
    stamps: list = []
    values: list = []
    for count, ts, column in zip(counts, request.timeseries, columns, strict=True):
        timestamps, numbers = column.samples.timestamp, column.samples.value
        if len(timestamps) != count or len(numbers) not in (0, count):
            timestamps = [sample.timestamp for sample in ts.samples]
            numbers = [sample.value for sample in ts.samples]
        stamps.append(timestamps)
        values.append(numbers if len(numbers) else itertools.repeat(0.0, count))
    total = sum(counts)
    return (
        np.fromiter(itertools.chain.from_iterable(stamps), np.int64, total),
        np.fromiter(itertools.chain.from_iterable(values), np.float64, total),
    )


def _series(batch: Batch, ts) -> int:
    if len(ts.histograms):
        raise LabelError(
            "native histograms are not supported: send classic histograms (_bucket series)"
        )
    encoded = tuple(ts.labels)
    known = _keys.get(encoded)
    if known is None:  # Prometheus sends the same label sets again and again
        known = _series_key(encoded)
        if len(_keys) >= KEYS_MAX:
            _keys.clear()
        _keys[encoded] = known
    key, derived = known
    position = batch.series_position(key)
    if derived:
        batch.derived_hosts[position] = derived
    return position


def _series_key(encoded: tuple[bytes, ...]) -> tuple:
    try:
        labels = [Label.FromString(label) for label in encoded]
    except DecodeError as exc:
        raise LabelError(f"a label is not a valid Label message: {exc}") from None
    return series_key([(label.name, label.value) for label in labels])


def _fill(batch: Batch, index, stamps_ms, values, window: Window) -> None:
    """Check the timestamps (all or nothing), split stale marks from values, fill ``batch``."""
    oldest_ms, newest_ms = -(-window.oldest_us // 1000), window.newest_us // 1000
    bad = np.flatnonzero((stamps_ms < oldest_ms) | (stamps_ms > newest_ms))  # before * 1000:
    stamps = stamps_ms * 1000  # no int64 overflow past here
    if len(bad):
        first = int(bad[0])
        raise IngestError(
            [
                _error(
                    int(index[first]),
                    "samples.timestamp",
                    f"{len(bad)} samples are outside the accepted time window, the first at "
                    f"{int(stamps_ms[first])} ms: older than the raw retention "
                    "(HYDRA_RETENTION_RAW) or more than HYDRA_INGEST_MAX_FUTURE ahead",
                )
            ]
        )
    stale = values.view(np.uint64) == STALE_NAN_BITS
    batch.series_index = index[~stale].tolist()
    batch.ts = stamps[~stale].tolist()
    batch.values = values[~stale].tolist()
    if stale.any():
        batch.stale_index = index[stale].tolist()
        batch.stale_ts = stamps[stale].tolist()


def metadata(request) -> dict[str, SeriesMeta]:
    """Series name -> metadata, for each family's series names (``TYPES``); entries with an
    invalid family name or nothing to say are skipped (metadata is advisory)."""
    out: dict[str, SeriesMeta] = {}
    for md in request.metadata:
        kind, suffixes = TYPES.get(md.type, TYPES[_TYPE.UNKNOWN])
        if kind == "unknown" and not md.help and not md.unit:
            continue
        try:
            family = check_metric_name(md.metric_family_name)
        except LabelError:
            continue
        meta = SeriesMeta(kind, md.help, md.unit[:MAX_UNIT])
        out.update((family + suffix, meta) for suffix in suffixes)
    return out
