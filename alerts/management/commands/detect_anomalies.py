"""``manage.py detect_anomalies --csv IN --out OUT [--detector NAME]``: score a CSV with the
detector code the scheduler uses. Causal: one pass, a point's score uses only the points
before it. OUT has ``timestamp,value,anomaly_score,is_anomaly``."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alerts.csvscore import CsvError, score_csv
from alerts.detectors import DEFAULT_DETECTOR, DETECTORS


class Command(BaseCommand):
    help = "Score a timestamp,value CSV for anomalies (same detectors as the scheduler)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--csv", required=True, type=Path, help="input CSV: timestamp,value")
        parser.add_argument("--out", required=True, type=Path, help="output CSV")
        parser.add_argument("--detector", default=DEFAULT_DETECTOR, choices=sorted(DETECTORS))
        parser.add_argument("--sensitivity", type=float, default=0.5)

    def handle(self, *args, **options) -> None:
        try:
            rows, flagged = score_csv(
                options["csv"], options["out"], options["detector"], options["sensitivity"]
            )
        except CsvError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"scored {rows} points, {flagged} anomalies -> {options['out']}")
