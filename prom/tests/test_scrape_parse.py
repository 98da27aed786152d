"""The memoized text parser gives prometheus_client's result, sample for sample, on the
first scrape (lines learnt) and on later ones (lines found); OpenMetrics by Content-Type."""

from __future__ import annotations

import math

import httpx
import pytest

from prom.scraper.parse import ParseError, TextParser, parse
from prom.tests.programs import NODE_EXPORTER, node_exporter

TRICKY = """# HELP http_requests_total Requests, "quoted" \\\\ help.
# TYPE http_requests_total counter
http_requests_total{code="200",path="/a}b"} 10
http_requests_total{code="500",path="say \\"hi\\" {x}"} 2 1700000000123
http_requests_total{path="back\\\\slash",code="404"}\t3
  indented_metric 4\t
# a comment line
no_labels 5
nan_value NaN
inf_value +Inf
neg_inf -Inf
float_value 1.5e-3
# TYPE latency_seconds histogram
latency_seconds_bucket{le="0.1"} 1
latency_seconds_bucket{le="+Inf"} 2
latency_seconds_sum 0.3
latency_seconds_count 2
{__name__="name_in_labels",a="b"} 6
empty_labels{} 7
with_exemplar_like 8 # {trace="x"} 1
"""


def flat(parsed) -> list[tuple]:
    return [
        (n, tuple(sorted(lab.items())), "nan" if math.isnan(v) else v, t)
        for n, lab, v, t in zip(
            parsed.names, parsed.labels, parsed.values, parsed.stamps_ms, strict=True
        )
    ]


def same_as_library(parser: TextParser, body: bytes) -> None:
    mine, library = parser.parse(body, "text/plain"), parse(body, "text/plain")
    assert sorted(flat(mine), key=repr) == sorted(flat(library), key=repr)
    assert mine.meta == library.meta


def test_tricky_lines_read_the_same_first_and_from_the_cache():
    parser = TextParser()
    same_as_library(parser, TRICKY.encode())
    same_as_library(parser, TRICKY.replace(" 10\n", " 11\n").replace(" 6\n", " 60\n").encode())
    assert len(parser.parse(TRICKY.encode(), "text/plain")) == 16


def test_changed_help_is_read_again():
    parser = TextParser()
    parser.parse(TRICKY.encode(), "text/plain")
    changed = TRICKY.replace("# TYPE latency_seconds histogram", "# TYPE latency_seconds summary")
    assert parser.parse(changed.encode(), "text/plain").meta["latency_seconds_sum"].type == (
        "summary"
    )


@pytest.mark.parametrize(
    "body",
    [
        b"bad{a=1} 1\n",
        b'unterminated{a="1" 2\n',
        b"no_value\n",
        b"value_with_underscore 1_000\n",
        b"1bad_name 2\n",
        b"\xff\xfe 1\n",
    ],
)
def test_what_the_library_refuses_is_refused(body):
    with pytest.raises(ParseError):
        parse(body, "text/plain")
    with pytest.raises(ParseError):
        TextParser().parse(body, "text/plain")
    parser = TextParser()  # also once the series part is known
    parser.parse(b"no_value 1\nvalue_with_underscore 1\n", "text/plain")
    if body.startswith((b"no_value", b"value_with")):
        with pytest.raises(ParseError):
            parser.parse(body, "text/plain")


def test_openmetrics_goes_to_the_library():
    body = b"# TYPE a counter\na_total 1 1700000000.5\n# EOF\n"
    parsed = TextParser().parse(body, "application/openmetrics-text; version=1.0.0")
    assert parsed.names == ["a_total"] and parsed.stamps_ms == [1_700_000_000_500]


def test_node_exporters_output_reads_the_same():
    if NODE_EXPORTER is None:
        pytest.skip("prometheus-node-exporter is not installed (.ci/run installs it)")
    parser = TextParser()
    with node_exporter() as (_, address):
        for _ in range(2):  # learnt, then found
            body = httpx.get(f"http://{address}/metrics", timeout=10).content
            same_as_library(parser, body)
