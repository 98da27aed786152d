"""Alerts as Alertmanager holds them, and the ``POST /api/v2/alerts`` conversion.

``ends_at`` None is Go's zero time (no end known). Times are aware datetimes and keep the
offset they arrived with (webhooks print them back the same way).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from alerts.routing.labels import LabelKey, fingerprint_hex, fingerprint_of_key, is_label_name

ZERO_TIME = "0001-01-01T00:00:00Z"


class AlertError(ValueError):
    """An alert the Alertmanager API would refuse."""


@dataclass(slots=True)
class Alert:
    labels: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None = None
    annotations: dict[str, str] = field(default_factory=dict)
    generator_url: str = ""
    updated_at: datetime | None = None
    timeout: bool = False  # ends_at was set by the resolve timeout, not by the sender
    key: LabelKey = field(init=False, repr=False, compare=False)  # sorted labels
    fingerprint: int = field(init=False, repr=False, compare=False)  # Alertmanager's identity

    def __post_init__(self) -> None:
        self.key = tuple(sorted(self.labels.items()))
        self.fingerprint = fingerprint_of_key(self.key)

    @property
    def fingerprint_hex(self) -> str:
        return fingerprint_hex(self.fingerprint)

    def without_end(self) -> Alert:
        """A copy with no end (a firing alert as notified), without re-sorting the labels."""
        clone = object.__new__(Alert)
        for name in _FIELDS:
            setattr(clone, name, getattr(self, name))
        clone.ends_at = None
        return clone

    def resolved_at(self, now: datetime) -> bool:
        """Resolved when it has an end and the end is not after ``now``."""
        return self.ends_at is not None and self.ends_at <= now

    def status(self, now: datetime) -> str:
        return "resolved" if self.resolved_at(now) else "firing"

    def merge(self, other: Alert, now: datetime) -> Alert:
        """``types.Alert.Merge``: the newer update wins, keeping the earliest start."""
        old, new = (other, self) if _older(other, self) else (self, other)
        ends_at = new.ends_at
        if new.resolved_at(now):
            if old.resolved_at(now) and _after(old.ends_at, new.ends_at):
                ends_at = old.ends_at
        elif _after(old.ends_at, new.ends_at) and not old.timeout:
            ends_at = old.ends_at
        return dataclasses.replace(
            new, starts_at=min(old.starts_at, new.starts_at), ends_at=ends_at
        )


_FIELDS = tuple(f.name for f in dataclasses.fields(Alert))


def _older(a: Alert, b: Alert) -> bool:
    return a.updated_at is not None and b.updated_at is not None and a.updated_at < b.updated_at


def _after(a: datetime | None, b: datetime | None) -> bool:
    """Go's ``a.After(b)`` where None is the zero time."""
    if a is None:
        return False
    return b is None or a > b


def overlaps(new: Alert, old: Alert) -> bool:
    """The provider merges a re-sent alert only when its range overlaps the stored one."""
    if old.ends_at is None:
        return False
    ends_inside = new.ends_at is not None and old.starts_at < new.ends_at < old.ends_at
    return ends_inside or old.starts_at < new.starts_at < old.ends_at


def parse_time(value: object) -> datetime | None:
    """RFC 3339 (nanoseconds allowed) -> aware datetime; empty or the zero time -> None."""
    if value in (None, "", ZERO_TIME):
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise AlertError(f"{value!r} is not an RFC 3339 time") from None
    if parsed.tzinfo is None:
        raise AlertError(f"{value!r} has no time zone offset")
    return None if parsed.year == 1 else parsed


def format_time(value: datetime | None) -> str:
    """Go's RFC3339Nano: fraction without trailing zeros, ``Z`` for a zero offset."""
    if value is None:
        return ZERO_TIME
    text = value.strftime("%Y-%m-%dT%H:%M:%S")
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    offset = value.utcoffset() or timedelta(0)
    if not offset:
        return text + "Z"
    sign, offset = ("-", -offset) if offset < timedelta(0) else ("+", offset)
    minutes = int(offset.total_seconds()) // 60
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def alert_from_api(
    item: Mapping, *, now: datetime, resolve_timeout: timedelta = timedelta(minutes=5)
) -> Alert:
    """One ``postableAlert`` as Alertmanager's API v2 stores it."""
    if not isinstance(item, Mapping):
        raise AlertError("an alert must be an object")
    labels = _strings(item.get("labels"), "labels")
    labels = {k: v for k, v in labels.items() if v != ""}  # empty values mean "no label"
    starts_at, ends_at = parse_time(item.get("startsAt")), parse_time(item.get("endsAt"))
    if starts_at is None:
        starts_at = ends_at or now
    alert = Alert(
        labels=labels,
        starts_at=starts_at,
        ends_at=ends_at or now + resolve_timeout,
        annotations=_strings(item.get("annotations"), "annotations"),
        generator_url=str(item.get("generatorURL") or ""),
        updated_at=now,
        timeout=ends_at is None,
    )
    _validate(alert)
    return alert


def _strings(value: object, field: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise AlertError(f"{field} must be an object of strings")
    for name, v in value.items():
        if not isinstance(v, str):
            raise AlertError(f"{field}: the value of {name!r} must be a string")
        if not is_label_name(str(name)):
            raise AlertError(f"{field}: {str(name)!r} is not a valid label name")
    return dict(value)


def _validate(alert: Alert) -> None:
    if not alert.labels:
        raise AlertError("at least one label pair required")
    if alert.ends_at is not None and alert.ends_at < alert.starts_at:
        raise AlertError("start time must be before end time")


def alerts_from_api(
    items: object, *, now: datetime | None = None, resolve_timeout: timedelta = timedelta(minutes=5)
) -> tuple[list[Alert], list[str]]:
    """A ``POST /api/v2/alerts`` body -> (valid alerts, one error per invalid alert).

    Like Alertmanager, valid alerts are kept even when others in the batch are not.
    """
    now = now or datetime.now(UTC)
    if not isinstance(items, list):
        return [], ["the body must be a JSON list of alerts"]
    alerts, errors = [], []
    for i, item in enumerate(items if isinstance(items, Iterable) else []):
        try:
            alerts.append(alert_from_api(item, now=now, resolve_timeout=resolve_timeout))
        except AlertError as exc:
            errors.append(f"alert {i}: {exc}")
    return alerts, errors
