"""``manage.py provision DIR [--dry-run] [--owner USERNAME]``: load notification policies
and receivers, alert rules (Hydra's and Prometheus rule files), silences and saved
dashboards from files, idempotently; provisioned objects are read-only in the UI.
See ``dashboards.provisioning`` for the directory layout."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alerts.services.provisioning import ProvisionError
from dashboards.provisioning import provision


class Command(BaseCommand):
    help = "Load Hydra's configuration from a directory of YAML/JSON files."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="print the diff, change nothing")
        parser.add_argument("--owner", default="", help="owner of new dashboards (a username)")

    def handle(self, *args, **options) -> None:
        try:
            result = provision(
                options["directory"], dry_run=options["dry_run"], owner=options["owner"]
            )
        except ProvisionError as exc:
            raise CommandError(str(exc)) from None
        for line in result.lines:
            self.stdout.write(line)
        for line in result.skipped:
            self.stdout.write(f"skipped: {line}")
        verb = "would change" if options["dry_run"] else "changed"
        count = len([line for line in result.lines if not line.startswith("    ")])
        self.stdout.write(f"{verb} {count} object(s)" if result.lines else "no changes")
