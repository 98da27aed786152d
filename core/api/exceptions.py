"""API errors are JSON with a clear message, never a 500 page with a traceback."""

from __future__ import annotations

import logging

import psycopg
from django.db import DatabaseError, DataError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.outage import (
    DATABASE_ERRORS,
    REDIS_ERRORS,
    RETRY_AFTER_S,
    database_failed,
    is_database_down,
    redis_failed,
    unavailable_body,
)

logger = logging.getLogger("core.api")


def exception_handler(exc, context):
    response = drf_exception_handler(exc, context)
    if response is not None:
        return response
    view = context.get("view").__class__.__name__ if context.get("view") else "?"
    if _out_of_range(exc):
        return Response(
            {
                "detail": "A value in the request is out of range or not storable; nothing was "
                "written."
            },
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, REDIS_ERRORS):
        redis_failed("request", exc)
        return Response(
            unavailable_body("cache (Redis)"),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    if isinstance(exc, DATABASE_ERRORS) and is_database_down(exc):
        database_failed(exc)
        return Response(
            unavailable_body("database"),
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": str(RETRY_AFTER_S)},
        )
    if isinstance(exc, DatabaseError):
        logger.exception("database error in %s", view)
        return Response(
            {"detail": "The database is unavailable; nothing was written. Retry later."},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    logger.exception("unhandled error in %s", view)
    return Response(
        {"detail": "Internal error; nothing was written. The server log has the details."},
        status=status.HTTP_500_INTERNAL_SERVER_ERROR,
    )


def _out_of_range(exc: BaseException) -> bool:
    """A value the database cannot take (a 25-digit id, NUL in a string): the client's error.
    Raised while filtering or looking up, before anything is written."""
    if isinstance(exc, OverflowError | DataError | psycopg.DataError):
        return True
    return isinstance(exc, ValueError) and "NUL (0x00)" in str(exc)
