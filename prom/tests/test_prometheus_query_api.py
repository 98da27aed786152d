"""``/prometheus/api/v1/query`` and ``query_range``: Prometheus's JSON, GET and POST form,
its error types and status codes, Bearer/Token/Basic tokens, read-only tokens, roles."""

from __future__ import annotations

import base64
from urllib.parse import urlencode

import pytest
from django.test import override_settings

from metrics.models import Point, Series

pytestmark = pytest.mark.django_db
Q, QR = "/prometheus/api/v1/query", "/prometheus/api/v1/query_range"
T0 = 1_700_000_000  # seconds


@pytest.fixture
def data():
    """http_requests_total on two hosts (counters, +1 and +2 per second) and a gauge, T0 .. T0+600 s."""
    made = []
    for host, slope in (("web-1", 1.0), ("web-2", 2.0)):
        s = Series(name="http_requests_total", host=host, labels={"job": "api"}, type="counter")
        s.save()
        made += [Point(series=s, ts=(T0 + i) * 10**6, value=slope * i) for i in range(0, 601, 15)]
    g = Series(name="temperature", host="web-1", labels={})
    g.save()
    made += [Point(series=g, ts=(T0 + i) * 10**6, value=20.5) for i in range(0, 601, 15)]
    Point.objects.bulk_create(made)


def test_an_instant_query_answers_prometheus_json(api, data):
    response = api.get(
        Q, {"query": "sum by (job) (rate(http_requests_total[5m]))", "time": T0 + 600}
    )

    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "success",
        "data": {
            "resultType": "vector",
            "result": [{"metric": {"job": "api"}, "value": [T0 + 600, "3"]}],
        },
    }


def test_a_range_query_by_post_form_answers_a_matrix(api, data):
    body = {"query": "temperature", "start": T0 + 300, "end": T0 + 360, "step": "30s"}

    response = api.generic("POST", QR, urlencode(body), "application/x-www-form-urlencoded")
    multipart = api.post(QR, body, format="multipart")
    on_url = api.post(f"{QR}?{urlencode({**body, 'query': 'up'})}", {"query": "temperature"})

    assert response.status_code == 200, response.content
    assert multipart.json() == response.json()
    assert on_url.json() == response.json()  # the form wins over the URL, as in Go
    (series,) = response.json()["data"]["result"]
    assert series["metric"] == {"__name__": "temperature", "host": "web-1"}
    assert series["values"] == [[T0 + 300, "20.5"], [T0 + 330, "20.5"], [T0 + 360, "20.5"]]


def test_scalar_and_string_results(api, data):
    scalar = api.get(Q, {"query": "1 + 2", "time": "2023-11-14T22:13:20Z"}).json()["data"]
    string = api.get(Q, {"query": '"hi"', "time": T0}).json()["data"]

    assert scalar == {"resultType": "scalar", "result": [T0, "3"]}
    assert string == {"resultType": "string", "result": [T0, "hi"]}


@pytest.mark.parametrize(
    ("params", "status", "kind", "message"),
    [
        ({"query": "sum("}, 400, "bad_data", "parse error"),
        ({"query": "up", "time": "yesterday"}, 400, "bad_data", 'invalid parameter "time"'),
        ({"query": "rate(http_requests_total)"}, 400, "bad_data", "expected type matrix"),
        ({"query": "up", "timeout": "soon"}, 400, "bad_data", 'invalid parameter "timeout"'),
        (
            {"query": "http_requests_total + on(job) http_requests_total", "time": T0 + 60},
            422,
            "execution",
            "many-to-many",
        ),
    ],
)
def test_bad_queries_get_prometheus_errors(api, data, params, status, kind, message):
    response = api.get(Q, params)

    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == "error" and body["errorType"] == kind
    assert message in body["error"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"query": "up", "end": T0, "step": 15}, 'invalid parameter "start"'),
        (
            {"query": "up", "start": T0, "end": T0 - 1, "step": 15},
            "end timestamp must not be before",
        ),
        ({"query": "up", "start": T0, "end": T0 + 10, "step": 0}, "zero or negative"),
        ({"query": "up", "start": T0, "end": T0 + 10**6, "step": 1}, "11,000 points"),
        ({"query": "up[5m]", "start": T0, "end": T0 + 10, "step": 1}, "range vector"),
    ],
)
def test_bad_range_parameters_are_bad_data(api, params, message):
    response = api.get(QR, params)

    assert response.status_code == 400
    assert response.json()["errorType"] == "bad_data" and message in response.json()["error"]


@override_settings(HYDRA_PROMQL_MAX_SERIES_PER_SELECTOR=1)
def test_a_selector_over_the_series_limit_is_an_execution_error(api, data):
    response = api.get(Q, {"query": "http_requests_total", "time": T0 + 60})

    assert response.status_code == 422
    assert "more than 1 series" in response.json()["error"]


@override_settings(HYDRA_PROMQL_MAX_SAMPLES=10)
def test_too_many_samples_is_an_execution_error(api, data):
    response = api.get(QR, {"query": "temperature", "start": T0, "end": T0 + 600, "step": 15})

    assert response.status_code == 422 and "too many samples" in response.json()["error"]


def test_a_query_past_its_timeout_answers_503(api, data):
    response = api.get(Q, {"query": "sum(rate(http_requests_total[5m]))", "timeout": "1ms"})

    assert response.status_code == 503
    assert response.json()["errorType"] == "timeout"


@pytest.mark.parametrize("scheme", ["Bearer", "Token", "Basic"])
def test_tokens_by_any_scheme_and_read_only_ones_may_query_by_post(token_client, data, scheme):
    client = token_client(read_only=True)
    credentials = client.key
    if scheme == "Basic":
        credentials = base64.b64encode(f"grafana:{client.key}".encode()).decode()
    client.credentials(HTTP_AUTHORIZATION=f"{scheme} {credentials}")

    response = client.post(Q, {"query": "count(temperature)", "time": T0 + 60})

    assert response.status_code == 200, response.content
    assert response.json()["data"]["result"][0]["value"] == [T0 + 60, "1"]


def test_a_viewer_may_query_an_account_without_a_role_may_not(
    client, viewer, django_user_model, data
):
    client.force_login(viewer)
    assert client.get(Q, {"query": "temperature", "time": T0}).status_code == 200
    client.force_login(django_user_model.objects.create_user("erin"))
    assert client.get(Q, {"query": "temperature", "time": T0}).status_code == 403


def test_without_credentials_the_answer_is_401(client):
    assert client.get(Q, {"query": "1"}, HTTP_ACCEPT="application/json").status_code in (401, 403)
