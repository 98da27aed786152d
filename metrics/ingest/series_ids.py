"""Resolve a batch's series keys to ids: a process-local cache, one SELECT for the misses,
one bulk INSERT for the new ones, after the per-metric cardinality check.

A new series gets its host derived from ``instance`` when the batch says so, and its type,
help and unit from the batch's metadata, else from another series of the same name."""

from __future__ import annotations

import threading
import time
from collections import Counter

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from metrics.ingest.batch import IngestError, SeriesKey, SeriesMeta
from metrics.ingest.metadata import forget_metadata, remembered
from metrics.models import Series, SeriesType, series_key

CACHE_TTL_S = 300
CACHE_MAX = 200_000
_cache: dict[SeriesKey, tuple[int, float]] = {}  # key tuple -> (id, expires)
_lock = threading.Lock()


def _hash(key: SeriesKey) -> str:
    name, host, labels = key
    return series_key(name, host, dict(labels))


def _cached(keys: list[SeriesKey]) -> list[int | None]:
    now = time.monotonic()
    out: list[int | None] = []
    for key in keys:
        hit = _cache.get(key)
        out.append(hit[0] if hit is not None and hit[1] > now else None)
    return out


def _remember(ids: dict[SeriesKey, int]) -> None:
    expires = time.monotonic() + CACHE_TTL_S
    with _lock:
        if len(_cache) + len(ids) > CACHE_MAX:
            _cache.clear()
        _cache.update({k: (i, expires) for k, i in ids.items()})


def forget_all() -> None:
    """Drop the cache (after series are deleted, and between tests), and the metadata's."""
    with _lock:
        _cache.clear()
    forget_metadata()


def resolve(
    keys: list[SeriesKey],
    *,
    hosts: dict[int, str] | None = None,
    meta: dict[str, SeriesMeta] | None = None,
) -> list[int]:
    """Ids for ``keys`` in order, creating missing series (inside the caller's transaction).

    Cache hits cost a dict lookup; misses are hashed and fetched in one query. ``hosts``:
    key position -> host derived from ``instance``; ``meta``: metric name -> metadata, both
    used only for series created here."""
    ids = _cached(keys)
    missing = [i for i, found in enumerate(ids) if found is None]
    if missing:
        hashes = {i: _hash(keys[i]) for i in missing}
        fetched = _fetch(list(hashes.values()))
        new = [i for i in missing if hashes[i] not in fetched]
        if new:
            rows = [_new_row(keys[i], hashes[i], (hosts or {}).get(i)) for i in new]
            fetched.update(_create(rows, meta or {}))
        resolved = {keys[i]: fetched[hashes[i]] for i in missing}
        for i in missing:
            ids[i] = resolved[keys[i]]
        transaction.on_commit(lambda: _remember(resolved))
    return [int(i) for i in ids if i is not None]


def _fetch(hashes: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(hashes), 5_000):
        chunk = hashes[start : start + 5_000]
        found.update(
            (key.hex, pk)
            for key, pk in Series.objects.filter(key__in=chunk).values_list("key", "id")
        )
    return found


def _new_row(key: SeriesKey, key_hash: str, derived_host: str | None) -> Series:
    name, host, labels = key
    if derived_host:
        return Series(
            name=name, host=derived_host, host_from_instance=True, labels=dict(labels), key=key_hash
        )
    return Series(name=name, host=host, labels=dict(labels), key=key_hash)


def _create(rows: list[Series], meta: dict[str, SeriesMeta]) -> dict[str, int]:
    _check_cardinality([row.name for row in rows])
    names = {row.name for row in rows} - set(meta)
    known = {n: m for n in names if (m := remembered(n)) is not None}
    known.update(_known_meta(names - set(known)))
    for row in rows:
        found = meta.get(row.name) or known.get(row.name)
        if found is not None:
            row.type, row.help, row.unit = found.type, found.help, found.unit
    Series.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2_000)
    return _fetch([str(row.key) for row in rows])


def _known_meta(names: set[str]) -> dict[str, SeriesMeta]:
    """The metadata of an existing series of each name (new label sets of a known metric)."""
    if not names:
        return {}
    qs = (
        Series.objects.filter(name__in=sorted(names))
        .exclude(type=SeriesType.UNKNOWN, help="", unit="")
        .values_list("name", "type", "help", "unit")
    )
    if connection.vendor == "postgresql":
        qs = qs.order_by("name").distinct("name")
    return {name: SeriesMeta(kind, text, unit) for name, kind, text, unit in qs}


def _check_cardinality(names: list[str]) -> None:
    limit = settings.HYDRA_MAX_SERIES_PER_METRIC
    adding = Counter(names)
    existing = dict(
        Series.objects.filter(name__in=list(adding))
        .values("name")
        .annotate(n=Count("id"))
        .values_list("name", "n")
    )
    over = [n for n, add in adding.items() if existing.get(n, 0) + add > limit]
    if over:
        raise IngestError(
            [
                {
                    "index": 0,
                    "field": "name",
                    "message": f"metric {name!r} would exceed its limit of {limit} series "
                    f"(has {existing.get(name, 0)}; HYDRA_MAX_SERIES_PER_METRIC)",
                }
                for name in sorted(over)
            ]
        )
