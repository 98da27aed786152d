"""A ``/metrics`` body -> samples and metadata, with ``prometheus_client``'s parsers: the
Prometheus text format (0.0.4) or OpenMetrics, chosen by the response's Content-Type as
Prometheus does (it asks for OpenMetrics first in its Accept header)."""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families as text_families

from metrics.ingest import SeriesMeta

ACCEPT = (
    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;"
    "q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
)
MAX_HELP = 1000
MAX_UNIT = 32
# metric type -> (Series.type, the suffixes of the family's series names)
TYPES = {
    "counter": ("counter", ("", "_total", "_created")),
    "gauge": ("gauge", ("",)),
    "histogram": ("histogram", ("_bucket", "_sum", "_count", "_created")),
    "gaugehistogram": ("gauge", ("_bucket", "_gsum", "_gcount")),
    "summary": ("summary", ("", "_sum", "_count", "_created")),
    "info": ("gauge", ("", "_info")),
    "stateset": ("gauge", ("",)),
    "unknown": ("unknown", ("",)),
}


class ParseError(ValueError):
    """The body is not valid exposition text: the scrape fails (``up`` 0)."""


@dataclass
class Parsed:
    """Samples as parallel lists (timestamps in ms, None when the sample has none)."""

    names: list[str] = field(default_factory=list)
    labels: list[dict[str, str]] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    stamps_ms: list[int | None] = field(default_factory=list)
    meta: dict[str, SeriesMeta] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.values)


def is_openmetrics(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "application/openmetrics-text"


def parse(body: bytes, content_type: str) -> Parsed:
    """All the body's samples and its families' metadata, or ParseError."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"body is not UTF-8: {exc}") from None
    families = openmetrics_families if is_openmetrics(content_type) else text_families
    out = Parsed()
    try:
        for family in families(text):
            _add_family(out, family)
    except (ValueError, TypeError, IndexError, KeyError) as exc:
        raise ParseError(f"cannot parse the body: {str(exc)[:300]}") from None
    return out


def _add_family(out: Parsed, family) -> None:
    kind, suffixes = TYPES.get(family.type, TYPES["unknown"])
    if kind != "unknown" or family.documentation or family.unit:
        meta = SeriesMeta(kind, family.documentation[:MAX_HELP], family.unit[:MAX_UNIT])
        out.meta.update((family.name + suffix, meta) for suffix in suffixes)
    for sample in family.samples:
        out.names.append(sample.name)
        out.labels.append(sample.labels)
        out.values.append(float(sample.value))
        stamp = sample.timestamp
        out.stamps_ms.append(None if stamp is None else round(float(stamp) * 1000))
