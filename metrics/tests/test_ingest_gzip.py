"""gzip ingestion bodies decode completely or are refused whole (issue 12, defect 1)."""

from __future__ import annotations

import gzip
import struct

import orjson
import pytest

from metrics.api.body import BadGzip, PayloadTooLarge, decode
from metrics.tests.conftest import point_count, stored

pytestmark = pytest.mark.django_db


def lines(now: int, n: int = 1000, start: int = 0) -> bytes:
    return b"\n".join(b"x f=%d %d" % (1_000_000 + i, now - 1000 + i) for i in range(start, n))


def json_points(now: int, n: int = 10, start: int = 0) -> bytes:
    return orjson.dumps([{"name": "j", "value": i, "timestamp": now - i} for i in range(start, n)])


def write(api, body: bytes):
    return api.generic(
        "POST",
        "/write?precision=s",
        body,
        content_type="text/plain",
        HTTP_CONTENT_ENCODING="gzip",
    )


def post_json(api, body: bytes):
    return api.post(
        "/api/v1/metrics/", body, content_type="application/json", HTTP_CONTENT_ENCODING="gzip"
    )


def test_a_truncated_line_protocol_body_is_refused_whole(api, now):
    zipped = gzip.compress(lines(now))
    response = write(api, zipped[: len(zipped) // 2])
    assert response.status_code == 400
    assert "gzip" in response.json()["detail"]
    assert point_count() == 0


def test_a_truncated_json_body_is_refused_whole(api, now):
    zipped = gzip.compress(json_points(now))
    response = post_json(api, zipped[:-6])  # most of the CRC/length trailer gone
    assert response.status_code == 400 and "gzip" in response.json()["detail"]
    assert point_count() == 0


def test_two_gzip_members_are_decoded_whole(api, now):
    body = gzip.compress(lines(now, 500)) + gzip.compress(b"\n" + lines(now, 1000, 500))
    assert write(api, body).status_code == 204
    assert len(stored("x.f")) == 1000
    assert stored("x.f")[-1][1] == 1_000_999


def test_two_json_members_make_one_document(api, now):
    text = json_points(now)
    body = gzip.compress(text[:17]) + gzip.compress(text[17:])
    response = post_json(api, body)
    assert response.status_code == 201 and response.json() == {"accepted": 10}


@pytest.mark.parametrize("trailer", [b"junk", b"\x00\x00\x00\x00", b"\x1f\x8b"])
def test_bytes_after_the_last_member_are_refused(api, now, trailer):
    response = write(api, gzip.compress(lines(now, 10)) + trailer)
    assert response.status_code == 400 and "gzip" in response.json()["detail"]
    assert point_count() == 0


def test_a_wrong_crc_is_refused(api, now):
    zipped = bytearray(gzip.compress(lines(now, 10)))
    crc = struct.unpack("<I", zipped[-8:-4])[0]
    zipped[-8:-4] = struct.pack("<I", crc ^ 1)
    response = write(api, bytes(zipped))
    assert response.status_code == 400 and "gzip" in response.json()["detail"]
    assert point_count() == 0


def test_the_size_limit_counts_every_member():
    member = gzip.compress(b"a" * 600)
    assert decode(member + member, "gzip", 1200) == b"a" * 1200
    with pytest.raises(PayloadTooLarge):
        decode(member + member, "gzip", 1199)


def test_an_empty_body_is_not_gzip():
    with pytest.raises(BadGzip):
        decode(b"", "gzip", 100)
