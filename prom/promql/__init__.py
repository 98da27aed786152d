"""Hydra's PromQL engine: a pure package (numpy, promql-parser, RE2; no Django).

    engine = Engine(storage)                      # storage: anything with .select(...)
    engine.instant_query('sum by (mode) (rate(node_cpu_seconds_total[5m]))', t_ms).data()
    engine.range_query(query, start_ms, end_ms, step_ms).data()

``data()`` is the ``data`` object of Prometheus's HTTP API. Errors are :class:`PromQLError`
subclasses carrying Prometheus's ``errorType`` and HTTP status. Semantics follow
Prometheus v2.42 (the version of its test suite, which this engine passes).
"""

from .ast import parse, value_type
from .engine import Engine, EngineOptions, QueryResult
from .errors import (
    BadDataError,
    ExecutionError,
    PromQLError,
    QueryTimeoutError,
    TooManySamplesError,
    TooManySeriesError,
)
from .format import format_float
from .matchers import LabelMatcher
from .storage import (
    STALE_NAN,
    MemoryStorage,
    SeriesData,
    Storage,
    normalise,
    split_rows,
    stale_mask,
    with_stale_markers,
)

__all__ = [
    "STALE_NAN",
    "BadDataError",
    "Engine",
    "EngineOptions",
    "ExecutionError",
    "LabelMatcher",
    "MemoryStorage",
    "PromQLError",
    "QueryResult",
    "QueryTimeoutError",
    "SeriesData",
    "Storage",
    "TooManySamplesError",
    "TooManySeriesError",
    "format_float",
    "normalise",
    "parse",
    "split_rows",
    "stale_mask",
    "value_type",
    "with_stale_markers",
]
