"""The bulk line-protocol pass accepts exactly what the line-by-line parser accepts."""

from __future__ import annotations

import pytest

from metrics.ingest import IngestError, RequestTooLarge, lineproto
from metrics.ingest.lineproto_fast import parse
from metrics.ingest.rules import Window

NOW = 1_795_000_000
WINDOW = Window(oldest_us=(NOW - 86400) * 10**6, newest_us=(NOW + 600) * 10**6, now_us=NOW * 10**6)
S = 1_000_000  # precision=s


def careful(body: bytes, factor: float = S):
    """What the line-by-line parser makes of ``body``: points by series key, or the error."""
    try:
        return points(lineproto.careful(body, factor, WINDOW, 100))
    except (IngestError, RequestTooLarge) as exc:
        return type(exc)


def points(batch) -> list[tuple]:
    return sorted(
        (batch.series[i], t, v)
        for i, t, v in zip(batch.series_index, batch.ts, batch.values, strict=True)
    )


ACCEPTED = [
    f"cpu,host=a value=1.5 {NOW}",
    f"cpu,host=a value=1.5 {NOW}\ncpu,host=b value=-2 {NOW - 10}\ncpu,host=a value=3 {NOW - 5}\n",
    f"cpu,host=a,region=eu usage=1,idle=2i,ok=t,free=7u {NOW}",
    f"cpu,region=eu,host=a usage=.5 {NOW}\ncpu,host=a,region=eu usage=1. {NOW - 1}",
    f"mem used=1e3 {NOW}\nmem used=2E-2 {NOW - 1}\nmem,host=x used=3i {NOW - 2}",
    f"m a=1,b=2 {NOW}\nm b=3 {NOW - 1}\nm a=4,c=F {NOW - 2}",
    f"m value=1 {NOW}\nm value=2 {NOW}",  # the same point twice: the last one wins
    f"m value=1 00{NOW}",
    f"m value=-.5e-3 {NOW}\nm value=7.e2 {NOW - 1}\nm value=-0 {NOW - 2}",
]
REFUSED_OR_CAREFUL = [
    f"cpu value=nan {NOW}",
    f"cpu value=inf {NOW}",
    f"cpu value=+1 {NOW}",
    f"cpu value=1e400 {NOW}",
    f'cpu value="text" {NOW}',
    f"cpu value=1_0 {NOW}",
    f"cpu value=1.2.3 {NOW}",
    f"cpu value=- {NOW}",
    f"cpu value=e5 {NOW}",
    f"cpu value=1e {NOW}",
    f"cpu value=--1 {NOW}",
    f"cpu value=1-2 {NOW}",
    f"cpu value=. {NOW}",
    f"cpu value=1\t{NOW}",
    f"cpu value=1 {NOW}\n cpu value=2 {NOW}",
    f"cpu value=1 {NOW}\ncpu value=2 {NOW}\ncpu value=3",
    f"cpu value=0x10 {NOW}",
    f"cpu value= {NOW}",
    f"cpu =1 {NOW}",
    f"cpu value=1=2 {NOW}",
    f"cpu value=99999999999999999999i {NOW}",
    f"cpu value=1,value=2 {NOW}",  # a repeated field: the parser keeps the first
    f"cpu,host= value=1 {NOW}",
    f"cpu,a=1,a=2 value=1 {NOW}",
    f"9bad value=1 {NOW}",
    f"cpu value=1 {NOW - 2 * 86400}",  # too old
    f"cpu value=1 {NOW + 3600}",  # too far ahead
    f"cpu value=1 -{NOW}",
    f"cpu value=1 +{NOW}",
    f"cpu value=1 {NOW}0000000000000",
    "cpu value=1",  # no timestamp: server time
    f"cpu value=1  {NOW}",
    f"cpu  value=1 {NOW}",
    f" cpu value=1 {NOW}",
    f"cpu value=1 {NOW}\n\ncpu value=2 {NOW}",
    f"# comment\ncpu value=1 {NOW}",
    f"cpu value=1 {NOW}\r\ncpu value=2 {NOW}",
    f"cpu,path=/a\\ b value=1 {NOW}",
    f"cpu value=1\ncpu value=2 {NOW} {NOW}",
    f"cpu value=1 {NOW} x\ncpu value=2",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_plain_lines_are_parsed_in_bulk_like_the_careful_parser_does(text):
    body = text.encode()
    fast = parse(body, factor=S, window=WINDOW, max_points=100)
    assert fast is not None
    assert points(fast) == careful(body)


@pytest.mark.parametrize("text", REFUSED_OR_CAREFUL)
def test_anything_unusual_is_left_to_the_careful_parser(text):
    assert parse(text.encode(), factor=S, window=WINDOW, max_points=100) is None


@pytest.mark.parametrize(("factor", "scale"), [(0.001, 10**9), (1, 10**6), (1_000, 10**3)])
def test_each_precision_scales_like_the_careful_parser(factor, scale):
    body = f"cpu value=1 {NOW * scale + scale // 3}".encode()
    fast = parse(body, factor=factor, window=WINDOW, max_points=100)
    assert fast is not None and points(fast) == careful(body, factor)


def test_too_many_points_is_refused_as_too_large():
    body = "\n".join(f"m a=1,b=2 {NOW - i}" for i in range(60)).encode()
    with pytest.raises(RequestTooLarge):
        parse(body, factor=S, window=WINDOW, max_points=100)
