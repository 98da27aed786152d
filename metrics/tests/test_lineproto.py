"""InfluxDB line protocol at /write and /api/v2/write."""

from __future__ import annotations

import base64

import pytest

from core.services import api_token_create
from metrics.models import Series
from metrics.tests.conftest import point_count, stored

pytestmark = pytest.mark.django_db


def write(api, body: str, path="/api/v2/write", **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return api.post(f"{path}?{query}", body.encode(), content_type="text/plain; charset=utf-8")


def test_every_numeric_field_type_becomes_its_own_series(api, now):
    response = write(
        api, f"disk,host=db-1,mount=/data used=1.5,inodes=42i,free=7u,ro=true {now}", precision="s"
    )
    assert response.status_code == 204 and response.content == b""
    names = set(Series.objects.values_list("name", flat=True))
    assert names == {"disk.used", "disk.inodes", "disk.free", "disk.ro"}
    assert stored("disk.inodes", "db-1") == [(now * 1_000_000, 42.0)]
    assert stored("disk.ro", "db-1") == [(now * 1_000_000, 1.0)]
    assert Series.objects.get(name="disk.used").labels == {"mount": "/data"}


@pytest.mark.parametrize(
    ("precision", "scale"),
    [(None, 1_000_000_000), ("ns", 1_000_000_000), ("us", 1_000_000), ("ms", 1_000), ("s", 1)],
)
def test_each_precision_is_scaled_to_microseconds(api, now, precision, scale):
    params = {"precision": precision} if precision else {}
    assert write(api, f"cpu value=1 {now * scale}", **params).status_code == 204
    assert stored("cpu.value") == [(now * 1_000_000, 1.0)]


def test_the_influxdb_1x_path_and_missing_timestamps(api, now):
    assert (
        write(api, "cpu,host=a value=3\n\n# comment\ncpu,host=b value=4", path="/write").status_code
        == 204
    )
    assert point_count() == 2
    ts = stored("cpu.value", "a")[0][0]
    assert abs(ts / 1e6 - now) < 5


def test_escaped_tags_and_spaces(api, now):
    assert write(api, f"req,path=/a\\ b,host=w\\,1 n=1 {now}", precision="s").status_code == 204
    series = Series.objects.get()
    assert series.host == "w,1" and series.labels == {"path": "/a b"}


def test_lines_of_many_series_in_one_request_stay_apart(api, now):
    lines = [f"req,path=/a\\ {c},host=w n={i} {now - i}" for i, c in enumerate("bbcc")]
    lines += [f"cpu,host=h{i % 2} user={i},sys={i}i {now - i}" for i in range(4)]
    assert write(api, "\n".join(lines), precision="s").status_code == 204
    paths = sorted(Series.objects.filter(name="req.n").values_list("labels__path", flat=True))
    assert paths == ["/a b", "/a c"]
    assert Series.objects.filter(name__startswith="cpu.").count() == 4
    assert point_count() == 4 + 8


def test_a_string_field_is_refused_with_its_line_and_nothing_written(api, now):
    body = f'cpu value=1 {now}\nlog msg="hello" {now}'
    response = write(api, body, precision="s")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["index"] == 2 and "string" in error["message"]
    assert response.json()["message"] == error["message"]  # what influx clients print
    assert point_count() == 0


def test_a_malformed_line_names_its_line_number(api, now):
    response = write(api, f"cpu value=1 {now}\ncpu value=1 {now}\ncpu value= {now}", precision="s")
    assert response.status_code == 400
    assert response.json()["errors"][0]["index"] == 3
    assert point_count() == 0


def test_a_bad_precision_is_refused(api):
    response = write(api, "cpu value=1 1", precision="h")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "precision"


def test_an_old_timestamp_is_refused(api, now):
    response = write(api, f"cpu value=1 {now - 400 * 86400}", precision="s")
    assert response.status_code == 400 and "retention" in response.json()["message"]
    assert point_count() == 0


@pytest.mark.parametrize(
    "ctype", ["application/x-www-form-urlencoded", "application/json", "multipart/form-data", ""]
)
def test_any_content_type_is_read_as_line_protocol_like_influxdb(api, now, ctype):
    body = f"cpu,host=web-1 usage=0.42 {now}".encode()
    response = api.generic("POST", "/api/v2/write?precision=s", body, content_type=ctype)
    assert response.status_code == 204, response.content
    assert stored("cpu.usage", "web-1") == [(now * 1_000_000, 0.42)]


def test_a_json_body_is_refused_as_a_malformed_line(api):
    response = api.post("/api/v2/write", b'{"a": 1}', content_type="application/json")
    assert response.status_code == 400 and response.json()["errors"][0]["index"] == 1
    assert point_count() == 0


def test_telegraf_basic_auth_with_curls_default_type_writes(owner, client, now):
    key = api_token_create(user=owner)[1]
    basic = base64.b64encode(f"telegraf:{key}".encode()).decode()
    response = client.post(
        "/write?db=telegraf&precision=s",
        f"mem,host=db-2 used=7i {now}".encode(),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Basic {basic}",
    )
    assert response.status_code == 204
    assert stored("mem.used", "db-2") == [(now * 1_000_000, 7.0)]


def test_a_read_only_token_cannot_write_lines(token_client, now):
    response = write(token_client(read_only=True), f"cpu value=1 {now}", precision="s")
    assert response.status_code == 403
    assert point_count() == 0


def test_an_anonymous_writer_gets_401(client, now):
    response = client.post("/api/v2/write", b"cpu value=1", content_type="text/plain")
    assert response.status_code == 401
