"""Prometheus alerting rules that map to Hydra threshold rules, and those that do not."""

from __future__ import annotations

import pytest

from alerts.services.prom_rules import Skipped, rule_from_prometheus


def test_a_simple_comparison_maps_to_a_threshold_rule():
    fields = rule_from_prometheus({
        "alert": "DiskFull", "expr": 'disk_used_ratio{mount!="/boot"} >= 0.9', "for": "10m",
        "keep_firing_for": "1m", "labels": {"severity": "warning", "team": "ops"},
        "annotations": {"summary": "{{ $labels.mount }} full", "description": "d", "x": "y"},
    })  # fmt: skip
    assert fields["name"] == "DiskFull" and fields["metric"] == "disk_used_ratio"
    assert (fields["op"], fields["threshold"], fields["agg"]) == (">=", 0.9, "last")
    assert fields["label_matchers"] == [{"label": "mount", "op": "!=", "value": "/boot"}]
    assert (fields["for_seconds"], fields["keep_firing_for_seconds"]) == (600, 60)
    assert fields["severity"] == "warning" and fields["labels"] == {"team": "ops"}
    assert fields["summary_template"] == "{{ $labels.mount }} full"
    assert fields["annotations"] == {"x": "y"}


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ({"record": "job:up:sum", "expr": "sum(up)"}, "recording rule"),
        ({"alert": "A", "expr": "sum(rate(x[5m])) > 1"}, "no PromQL rule kind yet"),
        ({"alert": "A", "expr": 'up{job!~"a.*"} == 0'}, "not supported by Hydra rules"),
        ({"alert": "A", "expr": "up == 0", "for": "soon"}, "A:"),
        ({"expr": "up == 0"}, "needs `alert`"),
    ],
)
def test_what_does_not_map_is_skipped_with_the_reason(rule, reason):
    with pytest.raises(Skipped, match=reason):
        rule_from_prometheus(rule)
