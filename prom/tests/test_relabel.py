"""Target relabeling like Prometheus: defaults, anchoring, Go's template expansion."""

from __future__ import annotations

import pytest

from prom.scrape_config.relabel import RelabelError, apply, expand, rule


def run(rules: list[dict], labels: dict[str, str]) -> dict[str, str] | None:
    return apply([rule(r) for r in rules], labels)


def test_replace_defaults_copy_the_joined_sources():
    out = run([{"source_labels": ["a", "b"], "target_label": "c"}], {"a": "x", "b": "y"})
    assert out == {"a": "x", "b": "y", "c": "x;y"}


def test_regexes_are_anchored_at_both_ends():
    rules = [{"source_labels": ["a"], "regex": "web", "target_label": "hit", "replacement": "1"}]
    assert "hit" not in run(rules, {"a": "web-1"})
    assert run(rules, {"a": "web"})["hit"] == "1"


def test_replacements_expand_like_go():
    rules = [
        {
            "source_labels": ["__address__"],
            "regex": "(?P<host>[^:]+):(\\d+)",
            "target_label": "node",
            "replacement": "${host}-$2-$$-${1}x-$1x",
        }
    ]
    assert run(rules, {"__address__": "web:9100"})["node"] == "web-9100-$-webx-"


def test_an_empty_result_removes_the_target_label():
    rules = [{"source_labels": ["missing"], "target_label": "env", "replacement": "$1"}]
    assert run(rules, {"env": "prod"}) == {}


def test_keep_and_drop_decide_whether_the_target_stays():
    keep = [{"action": "keep", "source_labels": ["env"], "regex": "prod|stage"}]
    drop = [{"action": "drop", "source_labels": ["env"], "regex": "dev"}]
    assert run(keep, {"env": "prod"}) == {"env": "prod"}
    assert run(keep, {"env": "production"}) is None
    assert run(drop, {"env": "dev"}) is None and run(drop, {"env": "prod"}) is not None


def test_labeldrop_and_labelkeep_filter_label_names():
    labels = {"tmp_a": "1", "tmp_b": "2", "env": "prod"}
    assert run([{"action": "labeldrop", "regex": "tmp_.*"}], labels) == {"env": "prod"}
    assert run([{"action": "labelkeep", "regex": "tmp_a|env"}], labels) == {
        "tmp_a": "1",
        "env": "prod",
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"action": "hashmod", "target_label": "x"}, "not supported"),
        ({"action": "replace"}, "needs a target_label"),
        ({"regex": "(", "target_label": "x"}, "error parsing regexp"),
        ({"regex": "(a+)+\\1", "target_label": "x"}, "error parsing regexp"),  # RE2: no backrefs
        ({"regex": "a" * 1001, "target_label": "x"}, "longer than"),
        ({"source_labels": "a", "target_label": "x"}, "list of label names"),
    ],
)
def test_bad_rules_are_refused_with_the_reason(raw, message):
    with pytest.raises(RelabelError, match=message):
        rule(raw)


def test_expand_leaves_text_without_references():
    import re2

    match = re2.compile("^(?:(a))$").match("a")
    assert expand("plain", match) == "plain" and expand("$9", match) == ""
