"""Alertmanager-style notification routing as rows: receivers, a tree of notification
policies, inhibition rules and named time intervals.

Each row holds its part of an ``alertmanager.yml`` in that file's own vocabulary
(matchers as ``team="db"`` strings, durations as ``5m``), so ``alerts.services.routing_config``
turns the rows into the file's data and the engine (``alerts.routing``) validates and runs
it; ``import_alertmanager_config`` and ``export_config`` go the other way. Rows loaded from
files are ``provisioned`` (with their ``source``) and read-only in the admin.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from alerts.routing import ConfigError, MatcherError, load_config, parse_matchers
from alerts.routing.durations import parse_duration
from alerts.routing.labels import is_label_name
from alerts.routing.timeintervals import TimeIntervalError, parse_named_intervals

# the receiver whose alerts go to their rule's own channels (Hydra's per-rule behaviour)
RULE_CHANNELS = "rule-channels"
MAX_MATCHER = 1000


class Provisioned(models.Model):
    provisioned = models.BooleanField(default=False, editable=False)
    source = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        abstract = True


class Receiver(Provisioned):
    """A named set of integrations, as in ``alertmanager.yml``'s ``receivers``."""

    name = models.CharField(max_length=200, unique=True)
    config = models.JSONField(
        default=dict, blank=True,
        help_text='e.g. {"webhook_configs": [{"url": "https://…"}], "email_configs": '
        '[{"to": "ops@example.com"}]}; kinds: email, webhook, slack, pagerduty, hydra '
        "(signed Hydra webhook: url, secret); empty: notify nobody",
    )  # fmt: skip

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def as_data(self) -> dict:
        return {"name": self.name, **(self.config if isinstance(self.config, dict) else {})}

    def clean(self) -> None:
        if not isinstance(self.config, dict):
            raise ValidationError({"config": "The configuration must be an object."})
        if "name" in self.config:
            raise ValidationError({"config": "Give the name in the name field."})
        data = {"route": {"receiver": self.name}, "receivers": [self.as_data()]}
        try:
            load_config(data)
        except ConfigError as exc:
            raise ValidationError({"config": str(exc)}) from None


class TimeInterval(Provisioned):
    """A named list of time intervals (``time_intervals`` entry), with time zones."""

    name = models.CharField(max_length=200, unique=True)
    intervals = models.JSONField(
        default=list, blank=True,
        help_text='e.g. [{"weekdays": ["saturday", "sunday"], "location": "Europe/Paris"}]',
    )  # fmt: skip

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def as_data(self) -> dict:
        return {"name": self.name, "time_intervals": self.intervals}

    def clean(self) -> None:
        try:
            parse_named_intervals([self.as_data()], "time_intervals")
        except TimeIntervalError as exc:
            raise ValidationError({"intervals": str(exc)}) from None


def matcher_errors(value: object, what: str = "matchers") -> list[str]:
    """Problems with a list of Alertmanager matcher strings (regexes through re2)."""
    if not isinstance(value, list):
        return [f'{what} must be a list of matchers such as team="db"']
    errors = []
    for i, text in enumerate(value):
        if not isinstance(text, str) or len(text) > MAX_MATCHER:
            errors.append(f"{what}[{i}] must be a string of at most {MAX_MATCHER} characters")
            continue
        try:
            parse_matchers(text)
        except MatcherError as exc:
            errors.append(f"{what}[{i}]: {exc}")
    return errors


def _names_errors(value: object, what: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
        return [f"{what} must be a list of names"]
    return []


class InhibitionRule(Provisioned):
    """Target alerts are muted while a source alert fires with the same ``equal`` labels."""

    name = models.CharField(max_length=200, blank=True)
    source_matchers = models.JSONField(default=list, help_text='["severity=\\"critical\\""]')
    target_matchers = models.JSONField(default=list, help_text='["severity=\\"warning\\""]')
    equal = models.JSONField(default=list, blank=True, help_text='["cluster", "service"]')
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name or f"inhibition {self.pk}"

    def as_data(self) -> dict:
        return {
            "source_matchers": list(self.source_matchers),
            "target_matchers": list(self.target_matchers),
            **({"equal": list(self.equal)} if self.equal else {}),
        }

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for field in ("source_matchers", "target_matchers"):
            if msgs := matcher_errors(getattr(self, field), field):
                errors[field] = msgs
        if msgs := _names_errors(self.equal, "equal"):
            errors["equal"] = msgs
        elif bad := [n for n in self.equal if not is_label_name(n)]:
            errors["equal"] = [f"{bad[0]!r} is not a label name"]
        if errors:
            raise ValidationError(errors)


class NotificationPolicy(Provisioned):
    """One route of the tree. Empty fields inherit from the parent, as in Alertmanager.

    The root (no parent) must name a receiver and has no matchers, continue or time
    intervals. Children are tried in ``position`` order.
    """

    name = models.CharField(max_length=200, blank=True, help_text="for people; not matched")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    position = models.PositiveIntegerField(default=0, help_text="order among its siblings")
    matchers = models.JSONField(default=list, blank=True, help_text='["team=\\"db\\""]')
    receiver = models.ForeignKey(
        Receiver, null=True, blank=True, on_delete=models.PROTECT, help_text="empty: inherit"
    )
    group_by = models.JSONField(
        null=True, blank=True, help_text='["alertname", "cluster"] or ["..."]; null: inherit'
    )
    group_wait = models.CharField(max_length=20, blank=True, help_text="e.g. 30s; empty: inherit")
    group_interval = models.CharField(max_length=20, blank=True, help_text="e.g. 5m")
    repeat_interval = models.CharField(max_length=20, blank=True, help_text="e.g. 4h")
    continue_matching = models.BooleanField(
        default=False, help_text="continue: also try the next siblings after a match"
    )
    mute_time_intervals = models.JSONField(default=list, blank=True)
    active_time_intervals = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["parent_id", "position", "id"]
        verbose_name_plural = "notification policies"

    def __str__(self) -> str:
        if self.parent_id is None:
            return self.name or "root policy"
        return self.name or ", ".join(self.matchers) or f"policy {self.pk}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for field, msg in self._problems():
            errors.setdefault(field, []).append(msg)
        if errors:
            raise ValidationError(errors)

    def _problems(self):
        for msg in matcher_errors(self.matchers):
            yield "matchers", msg
        for field in ("group_wait", "group_interval", "repeat_interval"):
            if value := getattr(self, field):
                try:
                    parse_duration(value)
                except ValueError as exc:
                    yield field, str(exc)
        if self.group_by is not None:
            if msgs := _names_errors(self.group_by, "group_by"):
                yield "group_by", msgs[0]
            elif bad := [n for n in self.group_by if n != "..." and not is_label_name(n)]:
                yield "group_by", f"{bad[0]!r} is not a label name"
        for field in ("mute_time_intervals", "active_time_intervals"):
            for msg in _names_errors(getattr(self, field), field):
                yield field, msg
        if self.parent_id is None:
            yield from self._root_problems()

    def _root_problems(self):
        if self.receiver_id is None:
            yield "receiver", "The root policy must name a receiver."
        if self.matchers or self.continue_matching:
            yield "matchers", "The root policy matches every alert: no matchers, no continue."
        if self.mute_time_intervals or self.active_time_intervals:
            yield "mute_time_intervals", "The root policy cannot have time intervals."
        roots = NotificationPolicy.objects.filter(parent__isnull=True).exclude(pk=self.pk)
        if roots.exists():
            yield "parent", "There is already a root policy: give this one a parent."
