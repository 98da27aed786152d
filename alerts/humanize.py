"""The functions Prometheus's alert templates offer for numbers and strings, printing as Go
prints (``%.4g``, ``NaN``, ``+Inf``), so a rule file brought from Prometheus renders the
same text: ``humanize``, ``humanize1024``, ``humanizeDuration``, ``humanizePercentage``,
``humanizeTimestamp``, ``toUpper``, ``toLower``, ``title`` and ``printf``. Pure: no Django."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

SI_UP = ("k", "M", "G", "T", "P", "E", "Z", "Y")
SI_DOWN = ("m", "u", "n", "p", "f", "a", "z", "y")
IEC = ("ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi")
VERB = re.compile(r"%([-+ #0]*)(\d*)(?:\.(\d+))?([vdfgeEsq%])")  # fixed pattern


class TemplateValueError(ValueError):
    """A function got what it can't format (a label's text where a number is needed)."""


def go_special(v: float) -> str | None:
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    return None


def go_g(v: float, precision: int | None = None) -> str:
    """Go's ``%g`` (``%.Ng``), or with no precision ``%v``: the shortest digits that read
    back the same, in exponent form from 1e+06 on and below 1e-04."""
    special = go_special(v)
    if special is not None:
        return special
    if precision is not None:
        text = f"{v:.{max(precision, 1)}g}"
        return re.sub(r"e([+-])(\d)$", r"e\g<1>0\2", text)
    sign, digits, exponent = Decimal(repr(v)).normalize().as_tuple()
    assert isinstance(exponent, int)
    places = "".join(map(str, digits))
    power = len(places) + exponent - 1
    head = "-" if sign else ""
    if power < -4 or power >= 6:
        mantissa = places[0] + ("." + places[1:] if len(places) > 1 else "")
        return f"{head}{mantissa}e{'-' if power < 0 else '+'}{abs(power):02d}"
    return head + format(Decimal(repr(abs(v))).normalize(), "f")


def number(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TemplateValueError(f"{value!r} is not a number") from None


def _scaled(v: float, step: float, prefixes: tuple[str, ...], up: bool) -> str:
    prefix = ""
    for p in prefixes:
        if (abs(v) < step) if up else (abs(v) >= 1):
            break
        prefix = p
        v = v / step if up else v * step
    return go_g(v, 4) + prefix


def humanize(value: object) -> str:
    v = number(value)
    if v == 0 or go_special(v):
        return go_g(v, 4)
    return _scaled(v, 1000, SI_UP, True) if abs(v) >= 1 else _scaled(v, 1000, SI_DOWN, False)


def humanize1024(value: object) -> str:
    v = number(value)
    if abs(v) <= 1 or go_special(v):
        return go_g(v, 4)
    return _scaled(v, 1024, IEC, True)


def humanize_duration(value: object) -> str:
    v = number(value)
    if go_special(v):
        return go_g(v, 4)
    if v == 0:
        return go_g(v, 4) + "s"
    if abs(v) < 1:
        return _scaled(v, 1000, SI_DOWN, False) + "s"
    sign, v = ("-", -v) if v < 0 else ("", v)
    whole = int(v)
    days, hours, minutes, seconds = whole // 86400, whole // 3600 % 24, whole // 60 % 60, whole % 60
    if days:
        return f"{sign}{days}d {hours}h {minutes}m {seconds}s"
    if hours:
        return f"{sign}{hours}h {minutes}m {seconds}s"
    if minutes:
        return f"{sign}{minutes}m {seconds}s"
    return f"{sign}{go_g(v, 4)}s"


def humanize_percentage(value: object) -> str:
    return go_g(number(value) * 100, 4) + "%"


def humanize_timestamp(value: object) -> str:
    v = number(value)
    if go_special(v):
        return go_g(v, 4)
    moment = datetime.fromtimestamp(v, tz=UTC)
    text = moment.strftime("%Y-%m-%d %H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + " +0000 UTC"


def _pad(text: str, flags: str, width: str) -> str:
    return f"{text:{'<' if '-' in flags else '>'}{width or 0}}"


def _verb(spec: re.Match[str], arg: object) -> str:
    flags, width, precision, verb = spec.groups()
    if verb in "sqv" and isinstance(arg, str):
        return _pad(f'"{arg}"' if verb == "q" else arg, flags, width)
    v = number(arg)
    special = go_special(v)
    if verb == "v" or (verb == "g" and precision is None) or special:
        return _pad(special or go_g(v), flags, width)
    if verb == "d":
        return f"%{flags}{width}d" % int(v)
    return f"%{flags}{width}{'.' + precision if precision else ''}{verb}" % v


def printf(fmt: str, *args: object) -> str:
    """Go's ``printf`` for the verbs templates use (``%s %q %v %d %f %g %e %x %%``)."""
    remaining = list(args)

    def one(spec: re.Match[str]) -> str:
        if spec.group(4) == "%":
            return "%"
        if not remaining:
            return f"%!{spec.group(4)}(MISSING)"
        return _verb(spec, remaining.pop(0))

    return VERB.sub(one, fmt)


FUNCTIONS: dict[str, Callable[[object], str]] = {
    "humanize": humanize,
    "humanize1024": humanize1024,
    "humanizeDuration": humanize_duration,
    "humanizePercentage": humanize_percentage,
    "humanizeTimestamp": humanize_timestamp,
    "toUpper": lambda v: str(v).upper(),
    "toLower": lambda v: str(v).lower(),
    "title": lambda v: str(v).title(),
}
