"""Query errors carrying Prometheus's ``errorType`` and the HTTP status its API answers with."""

from __future__ import annotations


class PromQLError(Exception):
    """Base class: ``error_type`` is the ``errorType`` field of Prometheus's JSON answer."""

    error_type = "execution"
    http_status = 422


class BadDataError(PromQLError):
    """The query or a parameter is invalid (parse errors, bad types): HTTP 400."""

    error_type = "bad_data"
    http_status = 400


class ExecutionError(PromQLError):
    """The query is valid but cannot be evaluated on this data: HTTP 422."""


class TooManySamplesError(ExecutionError):
    """The query would hold more samples in memory than the engine allows."""

    def __init__(self, what: str = "query execution") -> None:
        super().__init__(f"query processing would load too many samples into memory in {what}")


class TooManySeriesError(ExecutionError):
    """A selector matched more series than the engine allows."""


class QueryTimeoutError(PromQLError):
    """The query ran past its deadline: HTTP 503."""

    error_type = "timeout"
    http_status = 503

    def __init__(self, where: str = "expression evaluation") -> None:
        super().__init__(f"query timed out in {where}")
