"""Alertmanager matchers: the classic text syntax, the four operators, RE2 anchoring."""

from __future__ import annotations

import pytest

from alerts.routing.matchers import (
    MatcherError,
    Matchers,
    MatchType,
    legacy_matchers,
    matcher_list,
    parse_matcher,
    parse_matchers,
)


def test_it_parses_the_four_operators():
    parsed = [parse_matcher(t) for t in ('a="1"', 'b!="2"', 'c=~"3.*"', 'd!~"4|5"')]
    assert [(m.name, m.type, m.value) for m in parsed] == [
        ("a", MatchType.EQUAL, "1"),
        ("b", MatchType.NOT_EQUAL, "2"),
        ("c", MatchType.REGEXP, "3.*"),
        ("d", MatchType.NOT_REGEXP, "4|5"),
    ]


def test_quotes_are_optional_and_spaces_around_parts_are_dropped():
    assert parse_matcher("  severity = critical ").value == "critical"
    assert parse_matcher('severity="critical"').value == "critical"


def test_it_unescapes_quotes_backslashes_and_newlines_inside_quotes():
    assert parse_matcher(r'a="say \"hi\""').value == 'say "hi"'
    assert parse_matcher(r'a="c:\\dir"').value == "c:\\dir"
    assert parse_matcher(r'a="l\n"').value == "l\n"
    assert parse_matcher(r'a="\d+"').value == "\\d+"  # a spurious escape stays literal


def test_a_list_in_braces_splits_on_commas_outside_quotes():
    parsed = parse_matchers('{team=~"db|web", msg="a,b", env!="dev"}')
    assert [(m.name, m.value) for m in parsed] == [
        ("team", "db|web"),
        ("msg", "a,b"),
        ("env", "dev"),
    ]


@pytest.mark.parametrize("text", ['a="b', 'a="b"c"', "=b", "1a=b", 'a=="b"', "a"])
def test_it_rejects_malformed_matchers(text):
    with pytest.raises(MatcherError):
        parse_matcher(text)


def test_it_rejects_regexes_re2_cannot_compile_including_backreferences():
    with pytest.raises(MatcherError, match="error parsing regexp"):
        parse_matcher('a=~"(unclosed"')
    with pytest.raises(MatcherError):
        parse_matcher(r'a=~"(x)\1"')  # backreferences are not linear-time


def test_regexes_must_match_the_whole_value():
    matcher = parse_matcher('service=~"web|api"')
    assert matcher.matches("web")
    assert not matcher.matches("webshop")
    assert not matcher.matches("my-api")


def test_a_missing_label_matches_as_the_empty_string():
    assert Matchers(parse_matchers('env=""')).matches({"alertname": "x"})
    assert Matchers(parse_matchers('env!~".+"')).matches({})
    assert not Matchers(parse_matchers('env!=""')).matches({"alertname": "x"})


def test_all_matchers_must_match():
    matchers = Matchers(parse_matchers('{team="db", severity=~"critical|page"}'))
    assert matchers.matches({"team": "db", "severity": "page"})
    assert not matchers.matches({"team": "db", "severity": "warning"})
    assert matchers.first_failure({"team": "db"}).name == "severity"


def test_regex_results_are_cached_per_value_without_changing_answers():
    matcher = parse_matcher('host=~"web-[0-9]+"')
    answers = [matcher.matches(f"web-{i}") for i in range(5000)] + [matcher.matches("db-1")]
    assert all(answers[:5000]) and not answers[-1]


def test_matchers_sort_by_name_value_then_type_and_print_like_alertmanager():
    matchers = Matchers(parse_matchers('{z="1", a!="x", a="x", m=~"q\\"r"}'))
    assert str(matchers) == '{a="x",a!="x",m=~"q\\"r",z="1"}'


def test_printing_escapes_only_backslash_quote_and_newline():
    # Alertmanager 0.25 printed this route key: {a="t<TAB>b",b="é\x01",c!~"x\\\\.y"}
    matchers = Matchers(parse_matchers('{a="t\tb", b="é\u0001", c!~"x\\\\.y"}'))
    assert str(matchers) == '{a="t\tb",b="é\u0001",c!~"x\\\\.y"}'


def test_legacy_match_re_keeps_the_anchored_pattern_as_its_value():
    matchers = legacy_matchers({"team": "db"}, {"service": "web|api"})
    assert [str(m) for m in Matchers(matchers)] == ['service=~"^(?:web|api)$"', 'team="db"']
    assert Matchers(matchers).matches({"team": "db", "service": "api"})


def test_legacy_maps_reject_invalid_label_names_and_regexes():
    with pytest.raises(MatcherError, match="not a valid label name"):
        legacy_matchers({"bad-name": "x"}, None)
    with pytest.raises(MatcherError):
        legacy_matchers(None, {"a": "("})


def test_a_config_matcher_list_may_mix_single_matchers_and_braced_lists():
    matchers = matcher_list(['a="1"', '{b="2", c=~"3"}'], "matchers")
    assert [m.name for m in matchers] == ["a", "b", "c"]
    with pytest.raises(MatcherError, match="list of strings"):
        matcher_list('a="1"', "matchers")
