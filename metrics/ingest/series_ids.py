"""Resolve a batch's series keys to ids: a process-local cache, one SELECT for the misses,
one bulk INSERT for the new ones, after the per-metric cardinality check."""

from __future__ import annotations

import threading
import time
from collections import Counter

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from metrics.ingest.batch import IngestError, SeriesKey
from metrics.models import Series, series_key

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
    """Drop the cache (after series are deleted, and between tests)."""
    with _lock:
        _cache.clear()


def resolve(keys: list[SeriesKey]) -> list[int]:
    """Ids for ``keys`` in order, creating missing series (inside the caller's transaction).

    Cache hits cost a dict lookup; misses are hashed and fetched in one query."""
    ids = _cached(keys)
    missing = [i for i, found in enumerate(ids) if found is None]
    if missing:
        hashes = {i: _hash(keys[i]) for i in missing}
        fetched = _fetch(list(hashes.values()))
        new = [i for i in missing if hashes[i] not in fetched]
        if new:
            fetched.update(_create([keys[i] for i in new], [hashes[i] for i in new]))
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


def _create(keys: list[SeriesKey], hashes: list[str]) -> dict[str, int]:
    _check_cardinality(keys)
    rows = [
        Series(name=name, host=host, labels=dict(labels), key=h)
        for (name, host, labels), h in zip(keys, hashes, strict=True)
    ]
    Series.objects.bulk_create(rows, ignore_conflicts=True, batch_size=2_000)
    return _fetch(hashes)


def _check_cardinality(keys: list[SeriesKey]) -> None:
    limit = settings.HYDRA_MAX_SERIES_PER_METRIC
    adding = Counter(name for name, _, _ in keys)
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
