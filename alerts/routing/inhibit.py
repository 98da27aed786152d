"""Inhibition: a firing source alert mutes target alerts with the same ``equal`` labels.

Alertmanager's semantics, including its two subtle points: a missing ``equal`` label
counts as the empty string on both sides, and when the target also matches the source
matchers, source alerts that also match the target matchers are ignored (so an alert
never inhibits itself, nor does one of two "both sides" alerts inhibit the other).
Sources are indexed by their ``equal`` values, so a check costs O(candidates), not
O(all sources).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from alerts.routing.alert import Alert
from alerts.routing.config import InhibitRule
from alerts.routing.labels import LabelKey, LabelSet


class _RuleCache:
    """The alerts matching one rule's source side, by ``equal`` values then identity."""

    def __init__(self, rule: InhibitRule) -> None:
        self.rule = rule
        self.by_equal: dict[tuple[str, ...], dict[LabelKey, tuple[Alert, bool]]] = {}

    def equal_values(self, labels: LabelSet) -> tuple[str, ...]:
        return tuple(labels.get(name, "") for name in self.rule.equal)

    def observe(self, alert: Alert) -> None:
        if self.rule.source.matches(alert.labels):
            also_target = self.rule.target.matches(alert.labels)
            bucket = self.by_equal.setdefault(self.equal_values(alert.labels), {})
            bucket[alert.key] = (alert, also_target)

    def source_for(self, labels: LabelSet, now: datetime) -> Alert | None:
        """A firing source with the same equal labels, or None (target side not checked)."""
        two_sided = self.rule.source.matches(labels)
        for alert, also_target in self.by_equal.get(self.equal_values(labels), {}).values():
            if alert.resolved_at(now) or (two_sided and also_target):
                continue
            return alert
        return None

    def forget(self, alert: Alert) -> None:
        values = self.equal_values(alert.labels)
        bucket = self.by_equal.get(values, {})
        bucket.pop(alert.key, None)
        if not bucket:
            self.by_equal.pop(values, None)


class Inhibitor:
    """Sees every alert (``observe``) and answers which alert mutes a label set."""

    def __init__(self, rules: Iterable[InhibitRule]) -> None:
        self.caches = [_RuleCache(rule) for rule in rules]

    def observe(self, alert: Alert) -> None:
        for cache in self.caches:
            cache.observe(alert)

    def forget(self, alert: Alert) -> None:
        for cache in self.caches:
            cache.forget(alert)

    def inhibited_by(self, labels: LabelSet, now: datetime) -> Alert | None:
        """The firing source alert that inhibits ``labels`` at ``now``, or None."""
        for cache in self.caches:
            if cache.rule.target.matches(labels):
                source = cache.source_for(labels, now)
                if source is not None:
                    return source
        return None
