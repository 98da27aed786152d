"""``RecordingRule``: a PromQL expression evaluated on the rules' cycle, its output written
back as series named ``record`` (like a Prometheus recording rule)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from alerts.promql_checks import METRIC_NAME, expr_problem, labels_problems


class RecordingRule(models.Model):
    """``record``: the new series' name; ``labels`` are added to (and override) each output
    series' labels."""

    record = models.CharField(max_length=200, help_text="name of the series written")
    expr = models.TextField(help_text="PromQL: an instant vector or a scalar")
    labels = models.JSONField(default=dict, blank=True)
    group = models.CharField(max_length=200, blank=True, help_text="Prometheus rule group")
    interval_seconds = models.PositiveIntegerField(default=15)
    enabled = models.BooleanField(default=True)
    next_eval_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_evaluated_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_status = models.CharField(max_length=16, blank=True, editable=False)
    error = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["group", "record"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "record", "expr"], name="recording_rule_unique_in_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.record} = {self.expr[:60]}"

    def clean(self) -> None:
        errors: dict[str, list[str]] = {}
        if not METRIC_NAME.match(self.record or ""):
            errors.setdefault("record", []).append(f"{self.record!r} is not a valid metric name.")
        if problem := expr_problem(self.expr):
            errors.setdefault("expr", []).append(problem)
        for field, message in labels_problems(self.labels):
            errors.setdefault(field, []).append(message)
        if self.interval_seconds < 1:
            errors.setdefault("interval_seconds", []).append("The interval is at least 1 s.")
        if errors:
            raise ValidationError(errors)
