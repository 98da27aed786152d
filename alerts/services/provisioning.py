"""Alert rules and silences from files, idempotently (``manage.py provision``), and back
(``manage.py export_config``).

Objects loaded from files are marked ``provisioned`` with their ``source`` file and are
read-only in the admin and API; a provisioned object no longer in any file is deleted.
Every change is listed (``+`` new, ``~`` changed fields, ``-`` removed); a caller in
dry-run mode rolls the transaction back. Invalid input raises ``ProvisionError`` naming
the file and the object.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from django.core.exceptions import ValidationError

from alerts.models import AlertRule, NotificationChannel, RecordingRule, Silence
from alerts.rulefiles import read_rule_doc, unique_names
from alerts.services.rules import rule_save

RULE_FIELDS = (
    "name", "enabled", "metric", "host_pattern", "host_regex", "label_matchers", "condition",
    "agg", "window_seconds", "op", "threshold", "resolve_threshold", "detector", "sensitivity",
    "horizon_seconds", "absence_minutes", "for_seconds", "keep_firing_for_seconds",
    "flap_window_seconds", "flap_max_transitions", "severity", "summary_template",
    "description_template", "labels", "annotations", "expr",
)  # fmt: skip
# what a Prometheus alerting rule sets (alerts.rulefiles); the rest keeps its defaults
PROMETHEUS_FIELDS = (
    "name", "condition", "metric", "expr", "for_seconds", "keep_firing_for_seconds", "labels",
    "annotations", "severity",
)  # fmt: skip
SILENCE_FIELDS = ("comment", "matchers", "starts_at", "ends_at", "rrule", "duration_minutes",
                  "timezone")  # fmt: skip


class ProvisionError(ValueError):
    """A file that cannot be provisioned; nothing is written."""


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


# -- rules ---------------------------------------------------------------------------


def rule_export(rule: AlertRule) -> dict:
    data = {f: getattr(rule, f) for f in RULE_FIELDS}
    data["channels"] = sorted(c.name for c in rule.channels.all())
    return data


def rules_in_file(source: str, data: object, records: list[RecordingRule]) -> list[dict]:
    """Hydra's ``rules:`` list, or a Prometheus rule file's ``groups:`` (alerting rules as
    PromQL rules, recording rules into ``records``), every expression checked first."""
    if isinstance(data, Mapping) and "groups" in data:
        parsed = read_rule_doc(data)
        unique_names(parsed)
        if parsed.errors:
            raise ProvisionError(f"{source}: " + "; ".join(parsed.errors))
        records += parsed.records
        return [{f: getattr(rule, f) for f in PROMETHEUS_FIELDS} for rule in parsed.alerts]
    if isinstance(data, Mapping) and isinstance(data.get("rules"), list):
        return list(data["rules"])
    raise ProvisionError(f"{source}: expected `rules:` (Hydra) or `groups:` (Prometheus)")


def records_provision(records: list[RecordingRule], lines: list[str]) -> None:
    """Prometheus recording rules, keyed by group and record (updated in place)."""
    for rec in records:
        old = RecordingRule.objects.filter(group=rec.group, record=rec.record).first()
        if old is None:
            rec.save()
            lines.append(f"+ recording rule {rec.record!r} (group {rec.group!r})")
        elif (old.expr, old.labels, old.interval_seconds) != (
            rec.expr, rec.labels, rec.interval_seconds
        ):  # fmt: skip
            old.expr, old.labels, old.interval_seconds = rec.expr, rec.labels, rec.interval_seconds
            old.save()
            lines.append(f"~ recording rule {rec.record!r} (group {rec.group!r})")


def rules_provision(files: list[tuple[str, object]], lines: list[str], skipped: list[str]) -> None:
    wanted: dict[str, tuple[str, dict]] = {}
    records: list[RecordingRule] = []
    for source, data in files:
        for item in rules_in_file(source, data, records):
            if not isinstance(item, Mapping) or not item.get("name"):
                raise ProvisionError(f"{source}: every rule needs a name")
            if (name := str(item["name"])) in wanted:
                raise ProvisionError(f"{source}: rule {name!r} is defined twice")
            if unknown := set(item) - {*RULE_FIELDS, "channels"}:
                raise ProvisionError(f"{source}: rule {name!r}: unknown field(s) {sorted(unknown)}")
            wanted[name] = (source, dict(item))
    existing = {r.name: r for r in AlertRule.objects.prefetch_related("channels")}
    channels = {c.name: c for c in NotificationChannel.objects.all()}
    for name, (source, item) in wanted.items():
        _rule_apply(existing.get(name), source, item, channels, lines)
    for name, rule in existing.items():
        if rule.provisioned and name not in wanted:
            lines.append(f"- rule {name!r} (no longer in {rule.source})")
            rule.delete()
    records_provision(records, lines)


def _rule_apply(rule, source: str, item: dict, channels: dict, lines: list[str]) -> None:
    old = rule_export(rule) if rule is not None else None
    names = item.pop("channels", [])
    if unknown := [n for n in names if n not in channels]:
        raise ProvisionError(f"{source}: rule {item['name']!r}: unknown channel(s) {unknown}")
    target = rule or AlertRule()
    for field, value in item.items():
        setattr(target, field, value)
    try:
        target.full_clean()
    except ValidationError as exc:
        raise ProvisionError(f"{source}: rule {item['name']!r}: {_messages(exc)}") from None
    new = {f: getattr(target, f) for f in RULE_FIELDS} | {"channels": sorted(names)}
    changed = [k for k in new if old is None or old[k] != new[k]]
    marked = rule is not None and (not rule.provisioned or rule.source != source)
    if old is None:
        lines.append(f"+ rule {item['name']!r} ({source})")
    elif changed or marked:
        lines.append(f"~ rule {item['name']!r}: {', '.join(changed) or 'now from ' + source}")
    if old is None or changed or marked:
        target.provisioned, target.source = True, source
        rule_save(rule=target, channels=[channels[n] for n in names])


# -- silences ------------------------------------------------------------------------


def silence_export(silence: Silence) -> dict:
    data = {f: getattr(silence, f) for f in SILENCE_FIELDS}
    for field in ("starts_at", "ends_at"):
        data[field] = getattr(silence, field).astimezone(UTC).isoformat()
    return data


def _time(source: str, comment: str, value: object) -> datetime:
    try:
        parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        raise ProvisionError(f"{source}: silence {comment!r}: {value!r} is not a time") from None
    if parsed.tzinfo is None:
        raise ProvisionError(f"{source}: silence {comment!r}: {value!r} needs a time zone")
    return parsed


def silences_provision(files: list[tuple[str, object]], lines: list[str]) -> None:
    """Silences are keyed by their ``comment`` (required, unique)."""
    wanted: dict[str, tuple[str, dict]] = {}
    for source, data in files:
        if not isinstance(data, Mapping) or not isinstance(data.get("silences"), list):
            raise ProvisionError(f"{source}: expected `silences:` (a list)")
        for item in data["silences"]:
            if not isinstance(item, Mapping) or not str(item.get("comment") or "").strip():
                raise ProvisionError(f"{source}: every silence needs a comment (its key)")
            if unknown := set(item) - set(SILENCE_FIELDS):
                raise ProvisionError(f"{source}: unknown silence field(s) {sorted(unknown)}")
            if item["comment"] in wanted:
                raise ProvisionError(f"{source}: silence {item['comment']!r} is defined twice")
            wanted[item["comment"]] = (source, dict(item))
    existing = {s.comment: s for s in Silence.objects.filter(provisioned=True)}
    for comment, (source, item) in wanted.items():
        _silence_apply(existing.get(comment), source, item, lines)
    for comment, silence in existing.items():
        if comment not in wanted:
            lines.append(f"- silence {comment!r} (no longer in {silence.source})")
            silence.delete()


def _silence_apply(silence, source: str, item: dict, lines: list[str]) -> None:
    comment = item["comment"]
    old = silence_export(silence) if silence is not None else None
    target = silence or Silence()
    for field, value in item.items():
        if field in ("starts_at", "ends_at"):
            value = _time(source, comment, value)
        setattr(target, field, value)
    try:
        target.full_clean()
    except ValidationError as exc:
        raise ProvisionError(f"{source}: silence {comment!r}: {_messages(exc)}") from None
    new = silence_export(target)
    changed = [k for k in new if old is None or old[k] != new[k]]
    if old is None:
        lines.append(f"+ silence {comment!r} ({source})")
    elif changed or silence.source != source:
        lines.append(f"~ silence {comment!r}: {', '.join(changed) or 'now from ' + source}")
    if old is None or changed or silence.source != source:
        target.provisioned, target.source = True, source
        target.save()
