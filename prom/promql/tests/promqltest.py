"""A runner for Prometheus's PromQL test files (``load``, ``clear``, ``eval`` commands).

Runs each evaluation the way Prometheus v2.42's own runner does: an instant query, then —
unless ``eval_ordered`` or ``eval_fail`` — the same expression as a range query from t-1m
to t+1m at a 1m step, whose middle step must give the same result. Series labels are read
with promql-parser (a series line's metric part is a valid selector).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import promql_parser

from prom.promql import Engine, EngineOptions, MemoryStorage, PromQLError

EPSILON = 1e-6
MIN_NORMAL = 2.2250738585072014e-308
_EVAL = re.compile(r"^eval(?:_(fail|ordered))?\s+instant\s+at\s+(\S+)\s+(.+)$")
_EXPAND = re.compile(r"^(?P<start>[-+]?[^-+x]+)(?P<inc>[-+][^x]+)?x(?P<times>\d+)$")
TESTDATA = Path(__file__).parent / "testdata"
_MS = dt.timedelta(milliseconds=1)


@dataclass(frozen=True)
class Case:
    """One ``eval`` command with the series loaded before it."""

    file: str
    line: int
    mode: str  # "", "fail" or "ordered"
    at_ms: int
    expr: str
    expected: tuple  # ((labels, value), ...)
    scalar: float | None
    series: tuple

    @property
    def name(self) -> str:
        return f"{self.file}:{self.line}"


def duration_ms(text: str) -> int:
    if re.fullmatch(r"0+[a-z]*", text):  # the parser refuses zero durations
        return 0
    return promql_parser.parse_duration(text) // _MS


def number(text: str) -> float:
    """A value of the series notation (no hex: there ``0x10`` means 0 repeated)."""
    return float(text)


def split_metric(line: str) -> tuple[dict[str, str], str]:
    """``name{a="b"} rest`` -> ({"__name__": "name", "a": "b"}, "rest")."""
    end, quote = 0, None
    while end < len(line):
        c = line[end]
        if quote:
            end += 2 if c == "\\" else 1
            quote = None if c == quote else quote
            continue
        if c in "\"'`":
            quote = c
        elif c == "}" or (c.isspace() and "{" not in line[:end]):
            end += c == "}"
            break
        end += 1
    metric, rest = line[:end].strip(), line[end:].strip()
    if metric == "{}":
        return {}, rest
    selector = promql_parser.parse(metric)
    labels = {m.name: m.value for m in selector.matchers.matchers}
    if selector.name:
        labels["__name__"] = selector.name
    return labels, rest


def series_values(text: str) -> list:
    """Prometheus's series notation: ``1 _ stale 0+10x3 _x2`` -> [1, None, "stale", 0, …]."""
    out: list = []
    for token in text.split():
        out.extend(_token(token))
    return out


def _token(token: str) -> list:
    if token == "_":
        return [None]
    if token == "stale":
        return ["stale"]
    try:
        return [number(token)]
    except ValueError:
        pass
    m = _EXPAND.match(token)
    if m is None:
        raise ValueError(f"bad series value {token!r}")
    times = int(m["times"])
    if m["start"] in ("_", "stale"):
        fill = None if m["start"] == "_" else "stale"
        return [fill] * (times if fill is None else times + 1)
    start, inc = number(m["start"]), number(m["inc"]) if m["inc"] else 0.0
    return [start + i * inc for i in range(times + 1)]


def _load(lines: list[str], i: int, step_ms: int) -> tuple[list, int]:
    series = []
    while i < len(lines) and lines[i]:
        labels, rest = split_metric(lines[i])
        samples = [(k * step_ms, v) for k, v in enumerate(series_values(rest)) if v is not None]
        series.append((labels, samples))
        i += 1
    return series, i


def _expected(lines: list[str], i: int) -> tuple[list, float | None, int]:
    expected: list = []
    while i < len(lines) and lines[i]:
        try:
            return expected, number(lines[i]), i + 1
        except ValueError:
            labels, rest = split_metric(lines[i])
            expected.append((labels, series_values(rest)[0]))
            i += 1
    return expected, None, i


def load_cases(path: Path) -> list[Case]:
    lines = [
        ln.strip() if not ln.strip().startswith("#") else "" for ln in path.read_text().split("\n")
    ]
    cases, series, i = [], [], 0
    while i < len(lines):
        line = lines[i]
        if line == "clear":
            series, i = [], i + 1
        elif line.startswith("load "):
            loaded, i = _load(lines, i + 1, duration_ms(line.split()[1]))
            series = series + loaded
        elif line.startswith("eval"):
            m = _EVAL.match(line)
            if m is None:
                raise ValueError(f"{path.name}:{i + 1}: bad eval {line!r}")
            expected, scalar, after = _expected(lines, i + 1)
            case = Case(path.name, i + 1, m[1] or "", duration_ms(m[2]), m[3],
                        tuple(expected), scalar, tuple(series))  # fmt: skip
            cases.append(case)
            i = after
        else:
            i += 1
    return cases


def almost_equal(a: float, b: float) -> bool:
    if math.isnan(a) and math.isnan(b):
        return True
    if a == b:
        return True
    diff = abs(a - b)
    if a == 0 or b == 0 or diff < MIN_NORMAL:
        return diff < EPSILON * MIN_NORMAL
    return diff / (abs(a) + abs(b)) < EPSILON


def _key(labels: dict) -> tuple:
    return tuple(sorted(labels.items()))


def compare(case: Case, data: dict, ordered: bool) -> str | None:
    """Why ``data`` (an API ``data`` object) differs from the expectation, or None."""
    kind, result = data["resultType"], data["result"]
    if case.scalar is not None:
        if kind != "scalar":
            return f"expected a scalar, got a {kind}"
        got = float(result[1])
        return None if almost_equal(case.scalar, got) else f"scalar {got} != {case.scalar}"
    if kind != "vector":
        return f"expected a vector, got a {kind}"
    want = {_key(labels): (pos, value) for pos, (labels, value) in enumerate(case.expected)}
    for pos, sample in enumerate(result):
        key = _key(sample["metric"])
        if key not in want:
            return f"unexpected series {sample['metric']}"
        wanted_pos, value = want[key]
        if ordered and wanted_pos != pos:
            return f"{sample['metric']} at position {pos}, expected {wanted_pos}"
        value = math.nan if value == "stale" else value
        if not almost_equal(value, float(sample["value"][1])):
            return f"{sample['metric']}: {sample['value'][1]} != {value}"
    if len(result) != len(want):
        return f"{len(result)} series, expected {len(want)}"
    return None


def middle_step(data: dict, at_ms: int) -> dict:
    """The range result's samples at ``at_ms``, as an instant query's ``data``."""
    vector = []
    for series in data["result"]:
        for t, v in series["values"]:
            if round(t * 1000) == at_ms:
                vector.append({"metric": series["metric"], "value": [t, v]})
    return {"resultType": "vector", "result": vector}


def run_case(case: Case) -> str | None:
    """None when the engine gives Prometheus's answer, else what went wrong."""
    engine = Engine(MemoryStorage.from_samples(case.series), EngineOptions())
    try:
        data = engine.instant_query(case.expr, case.at_ms).data()
    except PromQLError as exc:
        return None if case.mode == "fail" else f"{type(exc).__name__}: {exc}"
    if case.mode == "fail":
        return "expected an error, got a result"
    why = compare(case, data, case.mode == "ordered")
    if why or case.mode == "ordered":
        return why
    ranged = engine.range_query(case.expr, case.at_ms - 60_000, case.at_ms + 60_000, 60_000)
    step = middle_step(ranged.data(), case.at_ms)
    if case.scalar is not None and step["result"]:
        step = {"resultType": "scalar", "result": step["result"][0]["value"]}
    why = compare(case, step, False)
    return f"range mode: {why}" if why else None


def all_cases() -> list[Case]:
    return [case for path in sorted(TESTDATA.glob("*.test")) for case in load_cases(path)]
