"""``manage.py import_alertmanager_config alertmanager.yml [--dry-run]``: replace Hydra's
notification policies, receivers, inhibition rules and time intervals with the file's
``route``, ``receivers``, ``inhibit_rules`` and ``time_intervals``, validated as
Alertmanager 0.25 does. Prints the diff; imported rows are read-only in the admin."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alerts.routing import ConfigError
from alerts.routing.config import parse_yaml
from alerts.services.routing_config import config_import


def read_alertmanager_yaml(path: Path) -> object:
    try:
        return parse_yaml(path.read_text())
    except (OSError, UnicodeDecodeError, ConfigError) as exc:
        raise CommandError(f"{path}: cannot read: {exc}") from None


class Command(BaseCommand):
    help = "Import an alertmanager.yml's routing tree, receivers, inhibition and time intervals."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="print the diff, change nothing")

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        data = read_alertmanager_yaml(path)
        try:
            diff = config_import(data, source=str(path), dry_run=options["dry_run"])
        except ConfigError as exc:
            raise CommandError(f"{path}: {exc}") from None
        for line in diff:
            self.stdout.write(line)
        verb = "would change" if options["dry_run"] else "changed"
        self.stdout.write(f"{path}: {verb if diff else 'no changes'}")
