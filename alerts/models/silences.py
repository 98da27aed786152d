"""Silences and maintenance windows, optionally recurring (RRULE in a named time zone)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrulestr
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from alerts.matchers import matcher_errors


class Silence(models.Model):
    """Alerts whose labels match are still evaluated and recorded but notify nobody.

    Without ``rrule`` the silence covers ``starts_at``..``ends_at``. With one, each
    occurrence starts at the rule's local wall-clock time in ``timezone`` (so a 01:00
    window stays at 01:00 across a DST change) and lasts ``duration_minutes``; occurrences
    start from ``starts_at`` and stop at ``ends_at`` (the silence's expiry).
    Labels matched: the series labels plus ``host``, ``metric``, ``rule``, ``severity``.
    """

    matchers = models.JSONField(
        default=list,
        blank=True,
        help_text='[{"label": "host", "op": "=", "value": "web-1"}]; none: everything',
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField(help_text="expiry")
    rrule = models.CharField(max_length=500, blank=True, help_text="e.g. FREQ=WEEKLY;BYDAY=SU")
    duration_minutes = models.PositiveIntegerField(default=60, help_text="each occurrence")
    timezone = models.CharField(max_length=64, default="UTC")
    comment = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    provisioned = models.BooleanField(
        default=False, editable=False, help_text="loaded by manage.py provision: read-only here"
    )
    source = models.CharField(max_length=500, blank=True, editable=False)

    class Meta:
        ordering = ["-ends_at"]

    def __str__(self) -> str:
        return self.comment[:60] or f"silence {self.pk}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if msgs := matcher_errors(self.matchers):
            errors["matchers"] = "; ".join(msgs)
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = "The end must be after the start."
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = f"Unknown time zone {self.timezone!r} (e.g. Europe/Paris)."
        if self.rrule and "timezone" not in errors and self.starts_at:
            try:
                self._rule()
            except (ValueError, TypeError) as exc:
                errors["rrule"] = f"Invalid RRULE: {exc}"
        if errors:
            raise ValidationError(errors)

    def _rule(self):
        tz = ZoneInfo(self.timezone)
        start = self.starts_at.astimezone(tz).replace(tzinfo=None)
        return rrulestr(self.rrule, dtstart=start)

    def active_at(self, when: datetime) -> bool:
        if not self.starts_at <= when < self.ends_at:
            return False
        if not self.rrule:
            return True
        tz = ZoneInfo(self.timezone)
        local = when.astimezone(tz).replace(tzinfo=None)
        occurrence = self._rule().before(local, inc=True)
        if occurrence is None:
            return False
        begins = occurrence.replace(tzinfo=tz)
        return begins <= when < begins + timedelta(minutes=self.duration_minutes)

    def expired(self, now: datetime) -> bool:
        return now >= self.ends_at
