"""``AlertRule``: what to watch, when it is bad, whom to tell."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.template import TemplateSyntaxError

from alerts.detectors import DETECTORS
from alerts.labelsets import label_map_errors
from alerts.lifecycle import OPS, PRESENT, Params
from alerts.matchers import matcher_errors, regex_error
from alerts.promql_checks import promql_rule_problems
from alerts.templating import compile_template


class AlertRule(models.Model):
    """A rule over the series of one metric; evaluated every 15 s into one alert per series."""

    class Condition(models.TextChoices):
        THRESHOLD = "threshold", "threshold"
        ANOMALY = "anomaly", "anomaly"
        FORECAST = "forecast", "forecast breach"
        ABSENCE = "absence", "absence (no data)"
        RATE = "rate", "rate of change"
        PROMQL = "promql", "PromQL expression"

    class Agg(models.TextChoices):
        AVG = "avg"
        MIN = "min"
        MAX = "max"
        LAST = "last"
        P95 = "p95"

    class Severity(models.TextChoices):
        INFO = "info"
        WARNING = "warning"
        CRITICAL = "critical"

    name = models.CharField(max_length=200, unique=True)
    enabled = models.BooleanField(default=True)
    metric = models.CharField(
        max_length=200, blank=True, help_text="metric name, e.g. cpu.usage (not for PromQL rules)"
    )
    host_pattern = models.CharField(
        max_length=200, blank=True, default="*", help_text="glob (web-*) or, if regex, a regex"
    )
    host_regex = models.BooleanField(default=False, help_text="host pattern is a regex")
    label_matchers = models.JSONField(
        default=list, blank=True, help_text='[{"label": "region", "op": "=~", "value": "eu-.*"}]'
    )
    condition = models.CharField(max_length=16, choices=Condition, default=Condition.THRESHOLD)
    agg = models.CharField(max_length=8, choices=Agg, default=Agg.AVG)
    window_seconds = models.PositiveIntegerField(default=300)
    op = models.CharField(max_length=2, choices=[(o, o) for o in OPS], default=">")
    threshold = models.FloatField(null=True, blank=True)
    resolve_threshold = models.FloatField(
        null=True, blank=True, help_text="hysteresis: a firing alert resolves only past this"
    )
    detector = models.CharField(max_length=50, blank=True, help_text="anomaly: default if empty")
    sensitivity = models.FloatField(default=0.5, help_text="anomaly: 0 (quiet) .. 1 (eager)")
    horizon_seconds = models.PositiveIntegerField(default=6 * 3600, help_text="forecast breach")
    absence_minutes = models.PositiveIntegerField(
        default=10, help_text="absence: no data for N min"
    )
    for_seconds = models.PositiveIntegerField(default=0, help_text="pending this long → firing")
    keep_firing_for_seconds = models.PositiveIntegerField(default=0)
    flap_window_seconds = models.PositiveIntegerField(default=600)
    flap_max_transitions = models.PositiveIntegerField(default=6)
    severity = models.CharField(max_length=8, choices=Severity, default=Severity.WARNING)
    summary_template = models.CharField(
        max_length=500, blank=True, default="{{ rule }} on {{ host }}: {{ value }}"
    )
    description_template = models.TextField(blank=True)
    expr = models.TextField(
        blank=True,
        help_text="PromQL rules: the expression; every output series is an alert, like a "
        "Prometheus alerting rule",
    )
    labels = models.JSONField(
        default=dict, blank=True, help_text='added to its alerts\' labels, e.g. {"team": "db"}'
    )
    annotations = models.JSONField(
        default=dict, blank=True, help_text='templates, e.g. {"runbook_url": "https://…"}'
    )
    channels = models.ManyToManyField("alerts.NotificationChannel", blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    provisioned = models.BooleanField(
        default=False, editable=False, help_text="loaded by manage.py provision: read-only here"
    )
    source = models.CharField(max_length=500, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    next_eval_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_evaluated_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.CharField(max_length=16, blank=True, editable=False)
    error = models.TextField(blank=True, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def params(self) -> Params:
        """The state machine's view of this rule (the condition's own op/threshold)."""
        op, threshold = self.op, self.threshold if self.threshold is not None else 0.0
        if self.condition == self.Condition.ANOMALY:
            op, threshold = ">", 0.0  # value = the highest anomaly score in the window
        elif self.condition == self.Condition.ABSENCE:
            op, threshold = ">=", self.absence_minutes * 60.0  # value = seconds without data
        elif self.condition == self.Condition.PROMQL:
            op, threshold = PRESENT, 0.0  # every output sample is active, NaN too
        resolve = self.resolve_threshold if self.condition in self.NEEDS_THRESHOLD else None
        return Params(
            op=op,
            threshold=threshold,
            resolve_threshold=resolve,
            for_s=self.for_seconds,
            keep_firing_for_s=self.keep_firing_for_seconds,
            flap_window_s=self.flap_window_seconds,
            flap_max=self.flap_max_transitions,
        )

    NEEDS_THRESHOLD = ("threshold", "forecast", "rate")

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        for field, problems in self._problems():
            errors.setdefault(field, []).append(problems)
        if errors:
            raise ValidationError(errors)

    def _problems(self):
        if self.condition == self.Condition.PROMQL:
            yield from promql_rule_problems(self.expr, self.labels, self.annotations)
        elif not self.metric:
            yield "metric", "This rule needs a metric."
        if self.condition in self.NEEDS_THRESHOLD and self.threshold is None:
            yield "threshold", f"A {self.get_condition_display()} rule needs a threshold."
        if self.host_regex and (msg := regex_error(self.host_pattern)):
            yield "host_pattern", f"The host pattern is not a valid regex: {msg}."
        for msg in matcher_errors(self.label_matchers):
            yield "label_matchers", msg
        yield from self._resolve_problems()
        if self.condition == self.Condition.ANOMALY and self.detector not in ("", *DETECTORS):
            yield "detector", f"Unknown detector; choose one of {', '.join(sorted(DETECTORS))}."
        if not 0.0 <= self.sensitivity <= 1.0:
            yield "sensitivity", "Sensitivity must be between 0 and 1."
        if self.window_seconds < 15 and self.condition in ("threshold", "rate", "anomaly"):
            yield "window_seconds", "The window must be at least 15 seconds (one evaluation)."
        if self.condition == self.Condition.ABSENCE and self.absence_minutes < 1:
            yield "absence_minutes", "An absence rule needs at least 1 minute without data."
        if self.condition == self.Condition.FORECAST and self.horizon_seconds < 60:
            yield "horizon_seconds", "A forecast breach rule needs a horizon of at least 60 s."
        if self.flap_max_transitions < 2:
            yield "flap_max_transitions", "Flapping needs at least 2 transitions."
        for field in ("labels", "annotations"):
            for msg in label_map_errors(getattr(self, field), what=field, text=field != "labels"):
                yield field, msg
        templates = [("summary_template", self.summary_template)]
        templates.append(("description_template", self.description_template))
        if isinstance(self.annotations, dict):
            templates += [
                ("annotations", v) for v in self.annotations.values() if isinstance(v, str)
            ]
        for field, text in templates:
            try:
                compile_template(text)
            except TemplateSyntaxError as exc:
                yield field, f"Template error: {exc}"

    def _resolve_problems(self):
        r, t = self.resolve_threshold, self.threshold
        if r is None or t is None or self.condition not in self.NEEDS_THRESHOLD:
            return
        if self.op in (">", ">=") and r > t:
            yield (
                "resolve_threshold",
                "With > or >=, the resolve threshold must be ≤ the threshold.",
            )
        if self.op in ("<", "<=") and r < t:
            yield (
                "resolve_threshold",
                "With < or <=, the resolve threshold must be ≥ the threshold.",
            )
        if self.op in ("==", "!="):
            yield "resolve_threshold", "A resolve threshold only works with <, <=, > or >=."
