"""A scrape's samples -> series keys, as Prometheus labels them (pure: no Django).

Every series gets the target's labels: ``job``, ``instance`` (the URL's ``host:port``
unless the target's labels set one) and the target's extra labels. When a scraped sample
already has one of those labels:

- ``honor_labels: false`` (the default): the target's value wins and the scraped one is
  kept as ``exported_<name>`` (``exported_exported_<name>`` if that exists too);
- ``honor_labels: true``: the scraped value wins (for federation and pushgateways).

A sample's own timestamp is kept when ``honor_timestamps`` (the default), else the sample
is stamped with the scrape's start, like one without a timestamp.

Then the target's ``metric_relabel_configs`` run on each sample's labels (``__name__``
included), as in Prometheus: a sample a rule drops (or left without a name) is not
written, and ``scrape_samples_post_metric_relabeling`` counts what is left. The synthetic
series are not relabeled (Prometheus doesn't either).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from prom.labels import LabelError, SeriesKey, series_key
from prom.scrape_config.relabel import RelabelError, Rule, apply, rule
from prom.scraper.parse import Parsed

SYNTHETIC = (
    "up",
    "scrape_duration_seconds",
    "scrape_samples_scraped",
    "scrape_samples_post_metric_relabeling",
    "scrape_series_added",
)
KeyInfo = tuple[SeriesKey, str | None]  # (series key, host derived from instance)


@dataclass(frozen=True)
class TargetInfo:
    """What the scraper needs of a ``ScrapeTarget`` (a plain copy: no ORM in the loop)."""

    id: int
    job: str
    url: str
    interval_ms: int
    timeout_ms: int
    labels: tuple[tuple[str, str], ...]
    honor_labels: bool = False
    honor_timestamps: bool = True
    username: str = ""
    password_env: str = ""
    bearer_env: str = ""
    metric_relabel: str = "[]"  # metric_relabel_configs, as JSON text

    @property
    def target_labels(self) -> dict[str, str]:
        """job, instance and the extra labels (empty values dropped, as in Prometheus)."""
        out = {"job": self.job, "instance": instance_of(self.url)}
        out.update(self.labels)
        return {k: v for k, v in out.items() if v}


def instance_of(url: str) -> str:
    """Prometheus's default ``instance``: the ``__address__``, host:port of the URL."""
    parts = urlsplit(url)
    return parts.netloc.rpartition("@")[2]


def merge(sample: dict[str, str], target: dict[str, str], honor: bool) -> dict[str, str]:
    if honor:
        return {**target, **sample}
    out = dict(sample)
    for name, value in target.items():
        if name in out:
            exported = "exported_" + name
            while exported in out:
                exported = "exported_" + exported
            out[exported] = out[name]
        out[name] = value
    return out


_MISSING = object()


def _rules(text: str) -> tuple[list[Rule], str]:
    """The compiled rules, or the reason they can't be (every scrape then fails with it)."""
    try:
        return [rule(raw) for raw in json.loads(text or "[]")], ""
    except (RelabelError, ValueError, TypeError) as exc:
        return [], str(exc)


class Assembler:
    """Keys of one target's series, cached across scrapes (a target exposes the same series
    scrape after scrape, so a key is computed once)."""

    MAX_CACHE = 200_000

    def __init__(self, target: TargetInfo) -> None:
        self.target = target
        self.labels = target.target_labels
        self._cache: dict[tuple, KeyInfo | None] = {}
        self._synthetic: list[KeyInfo] | None = None
        self.rules, self.rules_error = _rules(target.metric_relabel)

    def key(self, name: str, labels: dict[str, str]) -> KeyInfo | None:
        """The series key of a sample, None when metric relabeling drops it; LabelError if
        Hydra refuses its labels."""
        cache_key = (name, *labels.items())
        hit = self._cache.get(cache_key, _MISSING)
        if hit is _MISSING:
            merged = merge(labels, self.labels, self.target.honor_labels)
            pairs: dict[str, str] | None = {"__name__": name, **merged}
            if self.rules:
                pairs = apply(self.rules, pairs)  # type: ignore[arg-type]
            hit = series_key(pairs.items()) if pairs and pairs.get("__name__") else None
            if len(self._cache) >= self.MAX_CACHE:
                self._cache.clear()
            self._cache[cache_key] = hit
        return hit  # type: ignore[return-value]

    def keys(self, parsed: Parsed) -> list[KeyInfo | None]:
        if self.rules_error:
            raise LabelError(f"metric_relabel_configs: {self.rules_error}")
        try:
            return [self.key(n, lab) for n, lab in zip(parsed.names, parsed.labels, strict=True)]
        except LabelError as exc:
            raise LabelError(f"a scraped series is refused: {exc}") from None

    def synthetic(self) -> list[KeyInfo]:
        """The keys of ``up``, ``scrape_duration_seconds`` … (``SYNTHETIC`` order)."""
        if self._synthetic is None:
            self._synthetic = [
                series_key([("__name__", name), *self.labels.items()]) for name in SYNTHETIC
            ]
        return self._synthetic
