"""alerts.humanize: Prometheus's template functions print what Prometheus prints (the
examples of Prometheus's template reference and Grafana's, and Go's own number printing)."""

from __future__ import annotations

import math

import pytest

from alerts.humanize import (
    TemplateValueError,
    go_g,
    humanize,
    humanize1024,
    humanize_duration,
    humanize_percentage,
    humanize_timestamp,
    printf,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (1.0, "1"),
        (123456.0, "123456"),
        (1234567.0, "1.234567e+06"),  # Go's %v: exponent form from 1e+06 on
        (1e6, "1e+06"),
        (0.0001, "0.0001"),
        (0.00001, "1e-05"),
        (0.1, "0.1"),
        (-2.5, "-2.5"),
        (math.nan, "NaN"),
        (math.inf, "+Inf"),
        (-math.inf, "-Inf"),
    ],
)
def test_numbers_print_as_go_prints_them(value, text):
    assert go_g(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0"),
        (1234567.0, "1.235M"),
        (12345.0, "12.35k"),
        (0.1234567, "123.5m"),
        (0.00001, "10u"),
        (-1500.0, "-1.5k"),
        (math.nan, "NaN"),
        (math.inf, "+Inf"),
    ],
)
def test_humanize(value, text):
    assert humanize(value) == text


@pytest.mark.parametrize(
    ("value", "text"), [(1048576.0, "1Mi"), (1.0, "1"), (1025.0, "1.001ki"), (512.0, "512")]
)
def test_humanize1024(value, text):
    assert humanize1024(value) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (899.99, "14m 59s"),
        (0.0, "0s"),
        (0.1, "100ms"),
        (1.234, "1.234s"),
        (12345.67, "3h 25m 45s"),
        (123456.0, "1d 10h 17m 36s"),
        (-65.0, "-1m 5s"),
        (math.nan, "NaN"),
    ],
)
def test_humanize_duration(value, text):
    assert humanize_duration(value) == text


def test_humanize_percentage_and_timestamp():
    assert humanize_percentage(0.1234567) == "12.35%"
    assert humanize_percentage(1) == "100%"
    assert humanize_timestamp(1435065584.128) == "2015-06-23 13:19:44.128 +0000 UTC"


def test_strings_that_are_numbers_are_numbers_and_others_are_refused():
    assert humanize("2048") == "2.048k"
    with pytest.raises(TemplateValueError, match="not a number"):
        humanize("web-1")


@pytest.mark.parametrize(
    ("fmt", "args", "text"),
    [
        ("%.2f", (3.14159,), "3.14"),
        ("%d%%", (42.9,), "42%"),
        ("%s is %v", ("web-1", 1234567.0), "web-1 is 1.234567e+06"),
        ("%q", ("x",), '"x"'),
        ("%5.1f|%-6s|", (2.25, "ab"), "  2.2|ab    |"),
        ("%.1f", (math.nan,), "NaN"),
        ("%s and %s", ("one",), "one and %!s(MISSING)"),
    ],
)
def test_printf(fmt, args, text):
    assert printf(fmt, *args) == text
