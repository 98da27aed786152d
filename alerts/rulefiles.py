"""Prometheus rule files (``groups: [{name, interval, rules: [{alert|record, expr, for,
keep_firing_for, labels, annotations}]}]``) -> unsaved ``AlertRule``/``RecordingRule`` rows,
every problem collected first (like ``promtool check rules``), nothing half-read."""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from alerts.models import AlertRule, RecordingRule
from prom.promql import PromQLError
from prom.promql.params import parse_duration

ALERT_KEYS = {"alert", "expr", "for", "keep_firing_for", "labels", "annotations"}
RECORD_KEYS = {"record", "expr", "labels"}
GROUP_KEYS = {"name", "interval", "rules", "limit"}
MAX_BYTES = 5 * 1024 * 1024


@dataclass
class RuleFile:
    alerts: list[AlertRule] = field(default_factory=list)
    records: list[RecordingRule] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _seconds(value, where: str, errors: list[str]) -> int:
    if value in (None, ""):
        return 0
    try:
        return parse_duration(str(value)) // 1000
    except PromQLError as exc:
        errors.append(f"{where}: {exc}")
        return 0


def _strings(value, where: str, errors: list[str]) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        errors.append(f"{where}: must be a map of names to strings")
        return {}
    return {str(k): "" if v is None else str(v) for k, v in value.items()}


def read_rule_file(text: str) -> RuleFile:
    out = RuleFile()
    if len(text.encode()) > MAX_BYTES:
        out.errors.append(f"the file is larger than {MAX_BYTES} bytes")
        return out
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        out.errors.append(f"not YAML: {exc}")
        return out
    return read_rule_doc(doc, out)


def read_rule_doc(doc: object, out: RuleFile | None = None) -> RuleFile:
    """The same, from a file already read as YAML (``provision`` reads its files once)."""
    out = out if out is not None else RuleFile()
    groups = doc.get("groups") if isinstance(doc, dict) else None
    if not isinstance(groups, list):
        out.errors.append("the file needs a 'groups' list")
        return out
    names = set()
    for g, group in enumerate(groups):
        if not isinstance(group, dict) or not group.get("name"):
            out.errors.append(f"group {g + 1}: needs a name")
            continue
        if group["name"] in names:
            out.errors.append(f"group {group['name']!r}: repeated")
        names.add(group["name"])
        out.groups.append(str(group["name"]))
        _group(out, group)
    return out


def _group(out: RuleFile, group: dict) -> None:
    name = str(group["name"])
    for key in set(group) - GROUP_KEYS:
        out.errors.append(f"group {name!r}: unknown field {key!r}")
    interval = _seconds(group.get("interval"), f"group {name!r} interval", out.errors) or 15
    for i, rule in enumerate(group.get("rules") or []):
        where = f"group {name!r}, rule {i + 1}"
        if not isinstance(rule, dict):
            out.errors.append(f"{where}: not a map")
        elif "alert" in rule and "record" not in rule:
            _alert(out, rule, f"{where} ({rule['alert']})")
        elif "record" in rule and "alert" not in rule:
            _record(out, rule, f"{where} ({rule['record']})", name, interval)
        else:
            out.errors.append(f"{where}: needs exactly one of 'alert' and 'record'")


def _alert(out: RuleFile, rule: dict, where: str) -> None:
    errors = [f"{where}: unknown field {k!r}" for k in set(rule) - ALERT_KEYS]
    labels = _strings(rule.get("labels"), f"{where} labels", errors)
    severity = labels.get("severity", "warning")
    made = AlertRule(
        name=str(rule["alert"]),
        condition=AlertRule.Condition.PROMQL,
        metric="",
        expr=str(rule.get("expr") or ""),
        for_seconds=_seconds(rule.get("for"), f"{where} for", errors),
        keep_firing_for_seconds=_seconds(
            rule.get("keep_firing_for"), f"{where} keep_firing_for", errors
        ),
        labels=labels,
        annotations=_strings(rule.get("annotations"), f"{where} annotations", errors),
        severity=severity if severity in AlertRule.Severity.values else "warning",
    )
    out.errors += errors + _problems(made, where, exclude=["name"])
    out.alerts.append(made)


def _record(out: RuleFile, rule: dict, where: str, group: str, interval: int) -> None:
    errors = [f"{where}: unknown field {k!r}" for k in set(rule) - RECORD_KEYS]
    made = RecordingRule(
        record=str(rule["record"]),
        expr=str(rule.get("expr") or ""),
        labels=_strings(rule.get("labels"), f"{where} labels", errors),
        group=group,
        interval_seconds=interval,
    )
    out.errors += errors + _problems(made, where, exclude=[])
    out.records.append(made)


def _problems(obj, where: str, exclude: list[str]) -> list[str]:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [f"{where}: {field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs]
    return []


def unique_names(parsed: RuleFile) -> None:
    """Prometheus allows one alert name in several rules (say, warning and critical); Hydra's
    rule names are unique: the repeats get a suffix and keep ``alertname`` as a label."""
    seen: dict[str, int] = {}
    for rule in parsed.alerts:
        n = seen[rule.name] = seen.get(rule.name, 0) + 1
        if n > 1:
            rule.labels = {**rule.labels, "alertname": rule.name}
            rule.name = f"{rule.name} #{n}"
