"""Spec validation and round-trip, safety allow-list and caps, generator output."""

from __future__ import annotations

import json

import pytest

from scenarios.engine import (
    DIFFICULTIES,
    SCENARIO_TYPES,
    LimitExceeded,
    Limits,
    ScenarioRun,
    ScenarioSpec,
    SpecError,
    TargetNotAllowed,
    check_limits,
    check_target_allowed,
    generate_scenario,
    parse_duration,
)

URL = "http://127.0.0.1:8000/health"


def spec_dict(**extra) -> dict:
    return {"requests": [{"url": URL}], **extra}


def test_round_trip_through_json():
    data = spec_dict(
        executor="ramping-arrival-rate",
        stages=[{"duration": "1m", "target": 100}, {"duration": "30s", "target": 0}],
        thresholds=["p95 < 300ms"],
        expected_statuses=[200, 404],
    )
    spec = ScenarioSpec.from_dict(data)
    assert spec.total_duration() == 90
    again = ScenarioSpec.from_dict(json.loads(json.dumps(spec.to_dict())))
    assert again == spec
    assert spec.peak() == 100 and spec.is_arrival_rate


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"requests": []}, "requests"),
        (spec_dict(executor="warp"), "executor"),
        ({"requests": [{"url": "ftp://x/"}]}, r"requests\[0\]\.url"),
        ({"requests": [{"url": URL, "method": "BREW"}]}, r"requests\[0\]\.method"),
        ({"requests": [{"url": URL, "weight": 0}]}, r"requests\[0\]\.weight"),
        (spec_dict(duration="soon"), "duration"),
        (spec_dict(vus=2.5), "vus"),
        (spec_dict(vus="many"), "vus"),
        (spec_dict(executor="ramping-vus"), "stages"),
        (spec_dict(stages=[{"duration": 5}], executor="ramping-vus"), r"stages\[0\]\.target"),
        (spec_dict(thresholds=["p95 < fast"]), "thresholds"),
        (spec_dict(expected_statuses=[200, 700]), "expected_statuses"),
        (spec_dict(executor="spike", rate=10, duration=10, spike_at=9), "spike_at"),
        (spec_dict(timeout=0), "timeout"),
        (spec_dict(client="curl"), "client"),
        (spec_dict(colour="blue"), "unknown field"),
    ],
)
def test_validation_names_the_field(data, field):
    with pytest.raises(SpecError, match=field):
        ScenarioSpec.from_dict(data)


def test_parse_duration_forms():
    assert parse_duration("1m30s", "d") == 90
    assert parse_duration("250ms", "d") == 0.25
    assert parse_duration(2, "d") == 2.0
    assert parse_duration("1h", "d") == 3600


def fake_resolver(table: dict[str, list[str]]):
    def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError("no such host")
        return table[host]

    return resolve


def test_default_allow_list_is_loopback():
    check_target_allowed("http://127.0.0.1:8080/")
    check_target_allowed("http://[::1]:8080/")
    check_target_allowed("http://localhost:8080/")
    with pytest.raises(TargetNotAllowed, match="HYDRA_SCENARIO_ALLOWED_HOSTS"):
        check_target_allowed("http://10.0.0.5/")


def test_hostname_resolving_outside_list_is_refused():
    resolve = fake_resolver({"sneaky.test": ["127.0.0.1", "10.1.2.3"], "ok.test": ["127.0.0.9"]})
    with pytest.raises(TargetNotAllowed, match=r"'sneaky\.test'.*10\.1\.2\.3"):
        check_target_allowed("http://sneaky.test/", ["127.0.0.0/8"], resolve)
    check_target_allowed("http://ok.test/", ["127.0.0.0/8"], resolve)
    with pytest.raises(TargetNotAllowed, match="does not resolve"):
        check_target_allowed("http://missing.test/", ["127.0.0.0/8"], resolve)


def test_cidr_wildcard_and_exact_entries():
    allowed = ["192.168.50.0/24", "*.staging.example.com", "api.example.com"]
    resolve = fake_resolver({})
    check_target_allowed("http://192.168.50.7/", allowed, resolve)
    check_target_allowed("https://web.staging.example.com/x", allowed, resolve)
    check_target_allowed("https://api.example.com/", allowed, resolve)
    for url in ("http://192.168.51.7/", "https://staging.example.com/", "https://example.com/"):
        with pytest.raises(TargetNotAllowed):
            check_target_allowed(url, allowed, resolve)


async def test_run_refuses_disallowed_target_before_sending():
    spec = ScenarioSpec.from_dict({"requests": [{"url": "http://10.9.9.9/"}], "duration": 1})
    with pytest.raises(TargetNotAllowed, match="10.9.9.9"):
        await ScenarioRun(spec).run()


def test_caps_are_enforced_with_clear_errors():
    limits = Limits(max_vus=50, max_rate=100, max_duration=60)
    with pytest.raises(LimitExceeded, match=r"vus: peak of 80 VUs .*HYDRA_SCENARIO_MAX_VUS"):
        check_limits(ScenarioSpec.from_dict(spec_dict(vus=80)), limits)
    spike = spec_dict(executor="spike", rate=30, spike_multiplier=5, duration=30)
    with pytest.raises(LimitExceeded, match="rate: peak rate of 150"):
        check_limits(ScenarioSpec.from_dict(spike), limits)
    with pytest.raises(LimitExceeded, match="duration"):
        check_limits(ScenarioSpec.from_dict(spec_dict(duration="2m")), limits)
    check_limits(ScenarioSpec.from_dict(spec_dict(vus=50, duration=60)), limits)


@pytest.mark.parametrize("kind", SCENARIO_TYPES)
def test_generator_scales_with_difficulty(kind):
    specs = [generate_scenario(kind, d, URL, seed=7) for d in DIFFICULTIES]
    peaks = [s.peak() for s in specs]
    assert peaks == sorted(peaks) and peaks[0] < peaks[-1]
    durations = [s.total_duration() for s in specs]
    assert durations == sorted(durations)
    p95 = [float(s.thresholds[0].split("<")[1].strip(" ms")) for s in specs]
    assert p95 == sorted(p95, reverse=True) and p95[0] > p95[-1]
    for spec in specs:
        check_limits(spec)
        assert ScenarioSpec.from_dict(spec.to_dict()) == spec
        assert spec.requests[0].url == URL


def test_generator_respects_caps_and_seed():
    limits = Limits(max_vus=20, max_rate=500, max_duration=300)
    for kind in SCENARIO_TYPES:
        spec = generate_scenario(kind, "extreme", URL, seed=1, limits=limits)
        check_limits(spec, limits)
    assert generate_scenario(None, "hard", URL, seed=3) == generate_scenario(None, "hard", URL, 3)
    with pytest.raises(ValueError, match="difficulty"):
        generate_scenario("load", "nightmare", URL)
