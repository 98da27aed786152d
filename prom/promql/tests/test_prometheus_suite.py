"""Every evaluation of Prometheus v2.42's PromQL test suite (vendored in testdata/) must give
Prometheus's answer, in instant and in range mode."""

from __future__ import annotations

import pytest

from .promqltest import TESTDATA, all_cases, load_cases, run_case, series_values, split_metric

CASES = all_cases()


def test_the_vendored_suite_has_all_566_evaluations_of_its_11_files():
    assert len(list(TESTDATA.glob("*.test"))) == 11
    assert len(CASES) == 566


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_it_answers_like_prometheus(case):
    assert run_case(case) is None, f"{case.expr}: {run_case(case)}"


def test_the_runner_expands_series_notation():
    assert series_values("1 _ stale 0+10x2 _x2 -2-1x1 3x1") == [
        1.0, None, "stale", 0.0, 10.0, 20.0, None, None, -2.0, -3.0, 3.0, 3.0,
    ]  # fmt: skip


def test_the_runner_reads_labels_with_the_promql_parser():
    labels, rest = split_metric('foo{a="x y}", b="2"}  1 2')
    assert labels == {"__name__": "foo", "a": "x y}", "b": "2"}
    assert rest == "1 2"


def test_the_runner_notices_a_wrong_answer(tmp_path):
    path = tmp_path / "wrong.test"
    path.write_text("load 1m\n  m 1 2 3\n\neval instant at 2m m\n  m 4\n")
    (case,) = load_cases(path)
    assert run_case(case) == "{'__name__': 'm'}: 3 != 4.0"
