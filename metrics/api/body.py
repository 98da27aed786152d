"""Reading an ingestion body: size limits (413), content type (415), gzip."""

from __future__ import annotations

import zlib

from django.conf import settings
from rest_framework import status
from rest_framework.exceptions import APIException


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "Request too large."
    default_code = "too_large"


class UnsupportedType(APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_media_type"


def media_type(header: str) -> str:
    """The media type of a Content-Type header, without parameters, lower case."""
    return header.split(";")[0].strip().lower()


def content_type(request) -> str:
    return media_type(request.META.get("CONTENT_TYPE", ""))


def type_accepted(kind: str, allowed: tuple[str, ...] | None) -> bool:
    """Is media type ``kind`` one of ``allowed`` (None: any type is)?"""
    return allowed is None or kind in allowed


def require_type(request, allowed: tuple[str, ...]) -> None:
    kind = content_type(request)
    if not type_accepted(kind, allowed):
        raise UnsupportedType(
            f"Content-Type {kind or '(none)'!r} is not accepted here; send {' or '.join(a or '(none)' for a in allowed)}."
        )


def read_body(request) -> bytes:
    """The raw body, gunzipped when ``Content-Encoding: gzip``, within HYDRA_INGEST_MAX_BYTES."""
    limit = settings.HYDRA_INGEST_MAX_BYTES
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"Body is {declared} bytes; at most {limit} per request.")
    encoding = request.META.get("HTTP_CONTENT_ENCODING", "identity")
    return decode(request._request.body, encoding, limit)


def decode(body: bytes, encoding: str, limit: int) -> bytes:
    """``body`` within ``limit`` bytes, gunzipped when ``encoding`` is gzip."""
    if len(body) > limit:
        raise PayloadTooLarge(f"Body is over {limit} bytes.")
    encoding = encoding.strip().lower()
    if encoding == "gzip":
        return _gunzip(body, limit)
    if encoding not in ("", "identity"):
        raise UnsupportedType(f"Content-Encoding {encoding!r} is not supported; use gzip.")
    return body


class BadGzip(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_gzip"


def _gunzip(body: bytes, limit: int) -> bytes:
    """Every gzip member of ``body`` (RFC 1952 allows several), each to its end with CRC and
    length checked, nothing else trailing; else 400 (a prefix is never returned)."""
    out: list[bytes] = []
    size = 0
    rest = body
    while True:
        inflater = zlib.decompressobj(wbits=31)
        try:
            data = inflater.decompress(rest, limit + 1 - size)
        except zlib.error as exc:
            raise BadGzip(f"Body is not valid gzip: {exc}.") from None
        size += len(data)
        if size > limit or inflater.unconsumed_tail:
            raise PayloadTooLarge(f"Decompressed body is over {limit} bytes.")
        out.append(data)
        if not inflater.eof:
            raise BadGzip("Body is not valid gzip: it ends before the end of the stream.")
        rest = inflater.unused_data
        if not rest:
            return b"".join(out)
