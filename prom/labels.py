"""Prometheus label sets -> Hydra series keys (pure: no Django).

Rules (README "Prometheus and OpenTelemetry"):

- ``__name__`` is the series name; every other label is kept exactly as sent, except that a
  label with an empty value is no label at all (as in Prometheus).
- A ``host`` label is Hydra's host column (the same series a JSON client would write with
  ``"host"``); reading it back through PromQL gives the ``host`` label again.
- Without a ``host`` label, a series with an ``instance`` label is shown on the Hosts pages
  under the instance's host name (``web-1:9100`` -> ``web-1``), and the series is flagged
  ``host_from_instance``: the host is not part of its identity nor of its label set.
- Refused (the whole request, 400): a missing or invalid metric name, a label name
  Prometheus forbids (``[a-zA-Z_][a-zA-Z0-9_]*``), a repeated label name, more than
  ``MAX_LABELS`` labels, a value longer than ``MAX_VALUE`` characters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from core.text import control_message

METRIC_NAME_RE = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:.]*\Z")  # Prometheus's, plus OTLP dots
LABEL_NAME_RE = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*\Z")
MAX_NAME = 200
MAX_LABELS = 32  # besides __name__, as for the other formats
MAX_VALUE = 1024
MAX_HOST = 200

LabelTuple = tuple[tuple[str, str], ...]
SeriesKey = tuple[str, str, LabelTuple]


class LabelError(ValueError):
    """A label set Hydra refuses; the message says which label and why."""


def check_metric_name(name: str) -> str:
    if not name:
        raise LabelError("the series has no __name__ label")
    if len(name) > MAX_NAME or not METRIC_NAME_RE.match(name):
        raise LabelError(
            f"metric name {name[:80]!r} is invalid: it must match [a-zA-Z_:][a-zA-Z0-9_:.]* "
            f"and be at most {MAX_NAME} characters"
        )
    return name


def check_label(name: str, value: str) -> None:
    if not LABEL_NAME_RE.match(name):
        raise LabelError(
            f"label name {name[:80]!r} is invalid: Prometheus label names match "
            "[a-zA-Z_][a-zA-Z0-9_]*"
        )
    if len(value) > MAX_VALUE:
        raise LabelError(f"label {name!r} has a value longer than {MAX_VALUE} characters")
    message = control_message(f"label {name!r}", value)
    if message is not None:
        raise LabelError(message)


def series_key(
    pairs: Iterable[tuple[str, str]], *, derive: bool = True
) -> tuple[SeriesKey, str | None]:
    """(name, host, sorted labels) of a Prometheus label set, and the host derived from
    ``instance`` (None when there is a ``host`` label, no usable ``instance``, or not
    ``derive``)."""
    labels: dict[str, str] = {}
    name = ""
    for key, value in pairs:
        if key in labels or (key == "__name__" and name):
            raise LabelError(f"label {key!r} appears twice")
        if key == "__name__":
            name = value
        elif value:
            check_label(key, value)
            labels[key] = value
    check_metric_name(name)
    host = labels.pop("host", "")
    if len(labels) > MAX_LABELS:
        raise LabelError(f"the series has {len(labels)} labels; at most {MAX_LABELS}")
    if len(host) > MAX_HOST:
        raise LabelError(f"label 'host' is longer than {MAX_HOST} characters")
    derived = None if host or not derive else instance_host(labels.get("instance", ""))
    return (name, host, tuple(sorted(labels.items()))), derived


def instance_host(instance: str) -> str | None:
    """The host name in an ``instance`` label: ``web-1:9100`` -> ``web-1``, ``[::1]:9100``
    -> ``::1``, ``https://example.com/x`` -> ``example.com``; None when empty or too long."""
    if "://" in instance:
        host = urlsplit(instance).hostname or ""
    elif instance.startswith("["):
        host = instance[1 : instance.find("]")] if "]" in instance else instance
    else:
        before, sep, port = instance.rpartition(":")
        host = before if sep and port.isdigit() and before and ":" not in before else instance
    return host if host and len(host) <= MAX_HOST else None
