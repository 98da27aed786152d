"""``manage.py import_prometheus_rules rules.yml [...] [--dry-run]``: Prometheus alerting and
recording rules into Hydra. Every expression is validated first; any problem in any file
imports nothing and exits non-zero (``--dry-run``: check only, like ``promtool check rules``).
Importing again updates the rules of the same name (alerting) or group, record and
expression (recording)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from alerts.models import AlertRule, RecordingRule
from alerts.rulefiles import RuleFile, read_rule_file, unique_names

ALERT_FIELDS = (
    "condition", "metric", "expr", "for_seconds", "keep_firing_for_seconds", "labels",
    "annotations", "severity",
)  # fmt: skip


class Command(BaseCommand):
    help = "Import Prometheus rule files (alerting and recording rules); --dry-run only checks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check, import nothing")

    def handle(self, *args, **options) -> None:
        read, failed = [], False
        for path in options["files"]:
            self.stdout.write(f"Checking {path}")
            parsed = self._read(path)
            unique_names(parsed)
            if parsed.errors:
                failed = True
                self.stdout.write("  FAILED:\n" + "\n".join(f"    {e}" for e in parsed.errors))
            else:
                self.stdout.write(
                    f"  SUCCESS: {len(parsed.alerts) + len(parsed.records)} rules found "
                    f"({len(parsed.alerts)} alerting, {len(parsed.records)} recording)"
                )
            read.append(parsed)
        if failed:
            raise CommandError("Nothing imported: fix the problems above.")
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing imported.")
            return
        with transaction.atomic():
            counts = [_save(parsed) for parsed in read]
        created = sum(c[0] for c in counts)
        updated = sum(c[1] for c in counts)
        self.stdout.write(f"Imported: {created} rules created, {updated} updated.")
        for parsed in read:
            for rule in parsed.alerts:
                self.stdout.write(f"  alert  {rule.name}: {rule.expr}")
            for rec in parsed.records:
                self.stdout.write(f"  record {rec.record}: {rec.expr}")

    def _read(self, path: Path) -> RuleFile:
        try:
            return read_rule_file(path.read_text())
        except (OSError, UnicodeDecodeError) as exc:
            return RuleFile(errors=[f"can't read {path}: {exc}"])


def _save(parsed: RuleFile) -> tuple[int, int]:
    created = updated = 0
    for rule in parsed.alerts:
        existing = AlertRule.objects.filter(name=rule.name).first()
        if existing is None:
            rule.save()
            created += 1
            continue
        for name in ALERT_FIELDS:
            setattr(existing, name, getattr(rule, name))
        existing.version += 1
        existing.save()
        updated += 1
    for rec in parsed.records:
        _, made = RecordingRule.objects.update_or_create(
            group=rec.group,
            record=rec.record,
            expr=rec.expr,
            defaults={"labels": rec.labels, "interval_seconds": rec.interval_seconds},
        )
        created, updated = created + made, updated + (not made)
    return created, updated
