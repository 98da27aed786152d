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
from alerts.routing.labels import LabelSet


class _RuleCache:
    """The alerts matching one rule's source side, by ``equal`` values then identity."""

    def __init__(self, rule: InhibitRule) -> None:
        self.rule = rule
        self.by_equal: dict[tuple[str, ...], dict[int, tuple[Alert, bool]]] = {}

    def equal_values(self, labels: LabelSet) -> tuple[str, ...]:
        return tuple(labels.get(name, "") for name in self.rule.equal)

    def add(self, alert: Alert, values: tuple[str, ...], also_target: bool) -> None:
        self.by_equal.setdefault(values, {})[alert.fingerprint] = (alert, also_target)

    def source_for(self, values: tuple[str, ...], two_sided: bool, now: datetime) -> Alert | None:
        """A firing source with these equal values, or None (target side not checked)."""
        for alert, also_target in self.by_equal.get(values, {}).values():
            if alert.resolved_at(now) or (two_sided and also_target):
                continue
            return alert
        return None

    def remove(self, key: int, values: tuple[str, ...]) -> None:
        bucket = self.by_equal.get(values, {})
        bucket.pop(key, None)
        if not bucket:
            self.by_equal.pop(values, None)


# Per label set and rule: (cache, equal values, matches source, matches target)
_Sides = list[tuple[_RuleCache, tuple[str, ...], bool, bool]]


class Inhibitor:
    """Sees every alert (``observe``) and answers which alert mutes a label set.

    What each label set matches is computed once and remembered until ``forget``.
    """

    def __init__(self, rules: Iterable[InhibitRule]) -> None:
        self.caches = [_RuleCache(rule) for rule in rules]
        self._sides: dict[int, _Sides] = {}

    def _sides_of(self, key: int, labels: LabelSet) -> _Sides:
        sides = self._sides.get(key)
        if sides is None:
            sides = self._sides[key] = [
                (
                    c,
                    c.equal_values(labels),
                    c.rule.source.matches(labels),
                    c.rule.target.matches(labels),
                )
                for c in self.caches
            ]
        return sides

    def observe(self, alert: Alert) -> None:
        for cache, values, is_source, is_target in self._sides_of(alert.fingerprint, alert.labels):
            if is_source:
                cache.add(alert, values, is_target)

    def forget(self, alert: Alert) -> None:
        for cache, values, is_source, _ in self._sides.pop(alert.fingerprint, []):
            if is_source:
                cache.remove(alert.fingerprint, values)

    def inhibited_by_alert(self, alert: Alert, now: datetime) -> Alert | None:
        """The firing source alert that inhibits ``alert`` at ``now``, or None."""
        for cache, values, is_source, is_target in self._sides_of(alert.fingerprint, alert.labels):
            if is_target:
                source = cache.source_for(values, is_source, now)
                if source is not None:
                    return source
        return None

    def inhibited_by(self, labels: LabelSet, now: datetime) -> Alert | None:
        """The same for any label set (nothing remembered)."""
        for cache in self.caches:
            if cache.rule.target.matches(labels):
                is_source = cache.rule.source.matches(labels)
                source = cache.source_for(cache.equal_values(labels), is_source, now)
                if source is not None:
                    return source
        return None
