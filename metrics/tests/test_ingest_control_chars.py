"""NUL and other control characters in a name, host or label are the client's error: 400
naming the field, nothing written (issue 12, defect 4) — never a 503 that agents retry."""

from __future__ import annotations

import orjson
import pytest

from metrics.models import Series
from metrics.tests.conftest import point_count

pytestmark = pytest.mark.django_db


def post(api, body):
    return api.post("/api/v1/metrics/", orjson.dumps(body), content_type="application/json")


def the_error(response) -> dict:
    assert response.status_code == 400, response.content
    assert Series.objects.count() == 0 and point_count() == 0
    (error,) = response.json()["errors"]
    return error


@pytest.mark.parametrize("char", ["\x00", "\x01", "\n", "\r", "\x7f", "\x85"])
def test_a_control_character_in_the_host_is_refused(api, now, char):
    good = {"name": "ok", "value": 1, "timestamp": now}
    bad = {"name": "x", "value": 1, "timestamp": now, "host": f"a{char}b"}
    error = the_error(post(api, [good, bad]))
    assert (error["index"], error["field"]) == (1, "host")
    assert "control character" in error["message"]


@pytest.mark.parametrize("labels", [{"env": "a\x00b"}, {"e\x00nv": "prod"}, {"env": "line\nbreak"}])
def test_a_control_character_in_a_label_is_refused(api, now, labels):
    error = the_error(post(api, {"name": "x", "value": 1, "timestamp": now, "labels": labels}))
    assert error["field"] == "labels" and "control character" in error["message"]


def test_a_nul_in_a_name_is_refused(api, now):
    error = the_error(post(api, {"name": "x\x00y", "value": 1, "timestamp": now}))
    assert error["field"] == "name"


def test_the_series_shape_is_checked_too(api, now):
    body = {"series": [{"name": "x", "host": "h\x00", "points": [[now, 1]]}]}
    assert the_error(post(api, body))["field"] == "host"


@pytest.mark.parametrize(
    "line", [b"cpu,host=a\x01b f=1", b"cpu,host=a\x00b f=1", b"cpu,r=\x7f f=1"]
)
def test_line_protocol_refuses_them_naming_the_line(api, now, line):
    response = api.post(
        "/write?precision=s", b"ok f=1 %d\n%s %d" % (now, line, now), content_type="text/plain"
    )
    error = the_error(response)
    assert error["index"] == 2
