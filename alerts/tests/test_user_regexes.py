"""User regexes in alert rules and silences: RE2 only, checked at save, evaluation stays
linear on a catastrophic pattern (issue 12, defect 7)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from alerts.models import Alert, AlertRule, Silence
from alerts.services.evaluation import rules_evaluate
from alerts.tests.conftest import T0, ingest, make_rule

pytestmark = pytest.mark.django_db(transaction=True)
RULE = {
    "name": "r",
    "metric": "cpu.usage",
    "condition": "threshold",
    "op": ">",
    "threshold": 90,
}


def test_a_catastrophic_host_regex_does_not_stall_evaluation():
    t0 = T0.timestamp()
    ingest("cpu.usage", "a" * 40 + "!", [(t0 - 10, 95)])
    ingest("cpu.usage", "aaaa", [(t0 - 10, 95)])
    make_rule(host_pattern="(a+)+", host_regex=True)
    started = time.perf_counter()
    rules_evaluate(now=T0)
    assert time.perf_counter() - started < 2  # Python's re: ~2**40 steps on the first host
    assert list(Alert.objects.values_list("series__host", flat=True)) == ["aaaa"]


@pytest.mark.parametrize("pattern", [r"(web)\1", "(?=web).*"])
def test_a_rule_with_a_regex_re2_cannot_run_is_refused_at_save(api, pattern):
    body = {**RULE, "host_pattern": pattern, "host_regex": True}
    response = api.post("/api/v1/alert-rules/", body, format="json")
    assert response.status_code == 400
    assert "RE2 syntax" in response.json()["host_pattern"][0]
    assert not AlertRule.objects.exists()


def test_a_label_matcher_regex_is_checked_too(api):
    body = {**RULE, "label_matchers": [{"label": "region", "op": "=~", "value": "(?!eu).*"}]}
    response = api.post("/api/v1/alert-rules/", body, format="json")
    assert response.status_code == 400 and "label_matchers" in response.json()
    assert not AlertRule.objects.exists()


def test_a_silence_with_an_overlong_regex_is_refused(api):
    now = timezone.now()
    body = {
        "matchers": [{"label": "host", "op": "=~", "value": "a" * 5000}],
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(hours=1)).isoformat(),
    }
    response = api.post("/api/v1/silences/", body, format="json")
    assert response.status_code == 400 and "longer than" in str(response.json()["matchers"])
    assert not Silence.objects.exists()
