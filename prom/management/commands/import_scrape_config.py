"""``python manage.py import_scrape_config prometheus.yml [--dry-run] [--prune]``: scrape
targets from Prometheus's own ``scrape_configs`` (re-running updates them: idempotent)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from prom.scrape_config.config import ConfigError, load
from prom.services import scrape_targets_import


class Command(BaseCommand):
    help = "Import scrape targets from a Prometheus configuration file's scrape_configs."

    def add_arguments(self, parser) -> None:
        parser.add_argument("config", help="a prometheus.yml")
        parser.add_argument("--dry-run", action="store_true", help="report, change nothing")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="delete targets an earlier import of this file made that it no longer lists",
        )

    def handle(self, *args, **options) -> None:
        path = Path(options["config"]).resolve()
        try:
            imported = load(path)
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
        for warning in imported.warnings:
            self.stderr.write(f"warning: {warning}")
        counts = scrape_targets_import(
            specs=imported.targets,
            source=f"file:{path}"[:300],
            prune=options["prune"],
            dry_run=options["dry_run"],
        )
        if counts.errors:
            raise CommandError("nothing imported:\n  " + "\n  ".join(counts.errors))
        prefix = "dry run, nothing written: " if options["dry_run"] else ""
        self.stdout.write(
            f"{prefix}{counts.created} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged, {counts.removed} removed, "
            f"{imported.dropped} dropped by relabeling"
        )
