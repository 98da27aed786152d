"""``/api/v1/scenarios/`` CRUD and ``POST /api/v1/scenarios/generate``."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from scenarios.models import Scenario
from scenarios.tests.conftest import arrival_spec

pytestmark = pytest.mark.django_db
URL = "/api/v1/scenarios/"


def test_it_creates_a_scenario_with_a_valid_spec(api, owner):
    body = {"name": "home page", "spec": arrival_spec("http://127.0.0.1:8080/"), "tags": ["web"]}
    response = api.post(URL, body, format="json")
    assert response.status_code == 201, response.content
    stored = Scenario.objects.get(pk=response.json()["id"])
    assert stored.name == "home page" and stored.tags == ["web"]
    assert stored.created_by == owner
    assert stored.spec["rate"] == 20 and stored.executor == "constant-arrival-rate"
    assert stored.watched_host() == "127.0.0.1"


@pytest.mark.parametrize(
    ("spec", "field", "words"),
    [
        ({"requests": [{"url": "ftp://127.0.0.1/"}]}, "spec", "http(s) URL"),
        ({"requests": [{"url": "http://127.0.0.1/"}], "executor": "warp"}, "spec", "executor"),
        ({"requests": [{"url": "http://127.0.0.1/"}], "thresholds": ["p95 <"]}, "spec", "p95"),
        ({"requests": [{"url": "http://127.0.0.1/"}], "bogus": 1}, "spec", "unknown field"),
        ({"requests": [{"url": "http://10.9.8.7/"}]}, "target", "allow-list"),
        (
            {"requests": [{"url": "http://127.0.0.1/"}], "vus": 5000},
            "limits",
            "HYDRA_SCENARIO_MAX_VUS",
        ),
        (arrival_spec("http://127.0.0.1/", rate=10**6), "limits", "HYDRA_SCENARIO_MAX_RATE"),
    ],
)
def test_it_refuses_a_bad_or_unsafe_spec_and_writes_nothing(api, spec, field, words):
    response = api.post(URL, {"name": "x", "spec": spec}, format="json")
    assert response.status_code == 400
    assert words in " ".join(response.json()[field])
    assert not Scenario.objects.exists()


def test_the_allow_list_comes_from_the_setting(api, settings):
    settings.HYDRA_SCENARIO_ALLOWED_HOSTS = ["10.0.0.0/8"]
    spec = arrival_spec("http://10.9.8.7/")
    assert api.post(URL, {"name": "lan", "spec": spec}, format="json").status_code == 201
    local = api.post(URL, {"name": "lo", "spec": arrival_spec("http://127.0.0.1/")}, format="json")
    assert local.status_code == 400 and "127.0.0.1" in local.json()["target"][0]


def test_it_updates_and_revalidates_the_spec(api, make_scenario):
    scenario = make_scenario()
    bad = api.patch(f"{URL}{scenario.pk}/", {"spec": {"requests": []}}, format="json")
    assert bad.status_code == 400
    scenario.refresh_from_db()
    assert scenario.spec["requests"][0]["url"] == "http://127.0.0.1:9/fast"
    good = api.patch(
        f"{URL}{scenario.pk}/", {"spec": arrival_spec("http://localhost/x", rate=5)}, format="json"
    )
    assert good.status_code == 200, good.content
    scenario.refresh_from_db()
    assert scenario.spec["rate"] == 5 and scenario.target_url == "http://localhost/x"


def test_a_read_only_token_cannot_write(token_client, make_scenario):
    scenario = make_scenario()
    reader = token_client(read_only=True)
    assert reader.get(URL).status_code == 200
    body = {"name": "x", "spec": arrival_spec("http://127.0.0.1/")}
    assert reader.post(URL, body, format="json").status_code == 403
    assert reader.post(f"{URL}generate", {"target_url": "http://127.0.0.1/"}).status_code == 403
    assert reader.post(f"{URL}{scenario.pk}/run").status_code == 403
    assert Scenario.objects.count() == 1 and not scenario.runs.exists()


def test_anonymous_clients_get_401():
    assert APIClient().get(URL).status_code == 401
    assert APIClient().post(f"{URL}generate", {}).status_code == 401


def test_it_lists_with_filters(api, make_scenario):
    make_scenario(name="checkout")
    make_scenario(url="http://localhost:9/search", name="search")
    names = [s["name"] for s in api.get(URL, {"search": "localhost"}).json()["results"]]
    assert names == ["search"]


def _generate(api, difficulty: str, kind: str = "load"):
    body = {"type": kind, "difficulty": difficulty, "target_url": "http://127.0.0.1:8080/"}
    return api.post(f"{URL}generate", body, format="json")


def test_the_generator_scales_load_and_tightens_thresholds_with_difficulty(api):
    specs = []
    for difficulty in ("easy", "medium", "hard", "extreme"):
        response = _generate(api, difficulty)
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["generated"] and data["difficulty"] == difficulty and data["kind"] == "load"
        specs.append(Scenario.objects.get(pk=data["id"]).engine_spec())
    peaks = [s.peak() for s in specs]
    p95 = [next(t for t in s.thresholds if t.startswith("p95")) for s in specs]
    assert peaks == sorted(peaks) and peaks[0] < peaks[-1]
    limits = [float(t.split("<")[1].strip().rstrip("ms")) for t in p95]
    assert limits == sorted(limits, reverse=True) and limits[0] > limits[-1]


@pytest.mark.parametrize("kind", ["smoke", "load", "stress", "spike", "soak", "breakpoint"])
def test_the_generator_makes_every_type_within_the_caps(api, settings, kind):
    settings.HYDRA_SCENARIO_MAX_DURATION = __import__("datetime").timedelta(minutes=5)
    response = _generate(api, "extreme", kind)
    assert response.status_code == 201, response.content
    spec = Scenario.objects.get(pk=response.json()["id"]).engine_spec()
    assert spec.total_duration() <= 300
    assert spec.requests[0].url == "http://127.0.0.1:8080/"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"difficulty": "nightmare", "target_url": "http://127.0.0.1/"}, "difficulty"),
        ({"type": "party", "target_url": "http://127.0.0.1/"}, "type"),
        ({"difficulty": "easy"}, "target_url"),
        ({"difficulty": "easy", "target_url": "http://192.0.2.10/"}, "target_url"),
    ],
)
def test_the_generator_refuses_bad_input_and_writes_nothing(api, body, field):
    response = api.post(f"{URL}generate", body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Scenario.objects.exists()


@pytest.mark.parametrize(
    ("request_", "words"),
    [
        ({"headers": {"X-A": "1\r\n\r\nGET /smuggled HTTP/1.1"}}, "headers.X-A"),
        ({"headers": {"X-A\r\nX-B": "1"}}, "not a valid header name"),
        ({"headers": {"X A": "1"}}, "not a valid header name"),
        ({"headers": {"X-A": "a\x00b"}}, "headers.X-A"),
        ({"method": "GET /x HTTP/1.1\r\nHost: a\r\n\r\nGET"}, "method"),
        ({"url": "http://127.0.0.1:8080/a\r\nX-Injected: 1"}, "url"),
        ({"url": "http://127.0.0.1:8080/a b"}, "url"),
    ],
)
def test_control_characters_in_a_request_are_refused_naming_the_field(api, request_, words):
    spec = {"requests": [{"url": "http://127.0.0.1:8080/", **request_}]}
    response = api.post(URL, {"name": "smuggle", "spec": spec}, format="json")
    assert response.status_code == 400
    message = " ".join(response.json()["spec"])
    assert "requests[0]" in message and words in message
    assert not Scenario.objects.exists()


def test_the_engine_refuses_them_too_when_a_stored_spec_is_loaded():
    from scenarios.engine import ScenarioSpec, SpecError

    spec = {"name": "s", "requests": [{"url": "http://127.0.0.1/", "headers": {"A": "\n"}}]}
    with pytest.raises(SpecError, match="control character"):
        ScenarioSpec.from_dict(spec)


def test_the_tag_filter_matches_whole_tags_on_every_database(api, make_scenario):
    for name, tags in (("a", ["web", "smoke"]), ("b", ["webby"])):
        scenario = make_scenario(name=name)
        scenario.tags = tags
        scenario.save()
    names = [s["name"] for s in api.get(URL, {"tag": "web"}).json()["results"]]
    assert names == ["a"]
    assert api.get(URL, {"tag": "\x06%"}).json()["results"] == []
