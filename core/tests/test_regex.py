"""core.regex: every user regex runs on RE2 (linear time), with a length limit and a clear
message for unsupported syntax (issue 12, defect 7)."""

from __future__ import annotations

import time

import pytest

from core.regex import MAX_PATTERN, RegexError, compile_user_regex, user_regex_error


def test_a_catastrophic_pattern_runs_in_linear_time():
    regex = compile_user_regex("(a+)+$")
    started = time.perf_counter()
    for n in (26, 30, 5000):
        assert regex.search("a" * n + "!") is None
    assert time.perf_counter() - started < 0.5  # Python's re takes minutes on 30 a's


def test_anchoring_matches_the_whole_value_like_prometheus():
    regex = compile_user_regex("web-.*", anchor=True)
    assert regex.search("web-1") and not regex.search("xweb-1")


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=a)b", "(?<!x)y", "a{1001}"])
def test_unsupported_syntax_is_refused_with_the_field_and_a_hint(pattern):
    with pytest.raises(RegexError) as caught:
        compile_user_regex(pattern, field="host_pattern")
    assert caught.value.field == "host_pattern"
    assert "RE2 syntax" in str(caught.value)


def test_a_pattern_past_the_length_limit_is_refused():
    assert "longer than" in user_regex_error("a" * (MAX_PATTERN + 1))
    assert user_regex_error("a" * MAX_PATTERN) == ""


def test_a_valid_pattern_has_no_error():
    assert user_regex_error("^db-[0-9]+$") == ""
