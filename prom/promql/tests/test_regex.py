"""Regexes (matchers, label_replace) run through RE2, fully anchored like Prometheus."""

from __future__ import annotations

import time

import pytest

from prom.promql import BadDataError, ExecutionError, LabelMatcher
from prom.promql.labelfuncs import expand
from prom.promql.matchers import compile_regex

from .helpers import engine, instant, labels

JOBS = [("up", {"job": job}, [(0, 1)]) for job in ("api", "api-canary", "web", "Api")]


def test_a_matcher_regex_must_match_the_whole_value():
    eng = engine(*JOBS)
    got = instant(eng, 'up{job=~"api"}', 1)
    assert got == {labels(__name__="up", job="api"): 1}
    assert len(instant(eng, 'up{job=~"api.*"}', 1)) == 2
    assert len(instant(eng, 'up{job!~"api|web"}', 1)) == 2


def test_case_insensitive_flags_work_inside_groups():
    eng = engine(*JOBS)
    assert set(instant(eng, 'up{job=~"(?i:API)"}', 1)) == {
        labels(__name__="up", job="api"),
        labels(__name__="up", job="Api"),
    }


def test_a_missing_label_matches_as_the_empty_string():
    assert LabelMatcher("x", "=~", "|a").matches("")
    assert not LabelMatcher("x", "!~", "").matches("")
    assert LabelMatcher("x", "=~", "a+").matches("aaa")
    assert not LabelMatcher("x", "=~", "a+").matches("aab")


def test_a_catastrophic_pattern_stays_linear_time():
    matcher = LabelMatcher("x", "=~", "(a+)+$")
    value = "a" * 100_000 + "b"
    started = time.perf_counter()
    assert not matcher.matches(value)
    assert time.perf_counter() - started < 0.5  # a backtracking engine would never finish


def test_a_catastrophic_pattern_in_a_query_stays_fast():
    eng = engine(("m", {"path": "a" * 20_000 + "!"}, [(0, 1)]))
    started = time.perf_counter()
    assert instant(eng, 'm{path=~"(a|aa)+"}', 1) == {}
    assert time.perf_counter() - started < 0.5


def test_invalid_regexes_are_refused():
    with pytest.raises(BadDataError, match="invalid regular expression"):
        compile_regex("(unclosed")
    with pytest.raises(ExecutionError, match="invalid regular expression in label_replace"):
        engine(*JOBS).instant_query('label_replace(up, "a", "$1", "job", "(")', 1000)


def test_perl_lookarounds_are_not_re2_syntax():
    with pytest.raises(BadDataError):
        compile_regex("a(?=b)")


def test_label_replace_expands_templates_like_go():
    match = compile_regex("(?P<first>[a-z]+)-(\\d+)").match("web-12")
    assert expand("$1/$2", match) == "web/12"
    assert expand("${first}x", match) == "webx"
    assert expand("$firstx", match) == ""  # "firstx" is the name, and no such group
    assert expand("$$1 $3 $", match) == "$1  $"


def test_label_replace_sets_or_deletes_the_destination_label():
    eng = engine(("m", {"src": "web-12", "dst": "old"}, [(0, 1)]))
    got = instant(eng, 'label_replace(m, "dst", "${1}", "src", "([a-z]+)-.*")', 1)
    assert got == {labels(__name__="m", src="web-12", dst="web"): 1}
    got = instant(eng, 'label_replace(m, "dst", "", "src", ".*")', 1)
    assert got == {labels(__name__="m", src="web-12"): 1}
    got = instant(eng, 'label_replace(m, "dst", "new", "src", "no-match")', 1)
    assert got == {labels(__name__="m", src="web-12", dst="old"): 1}
