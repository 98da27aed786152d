"""``manage.py export_config DIR``: write the current configuration (notification policies
and receivers, alert rules, silences, shared dashboards) in the layout ``provision`` reads."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from dashboards.provisioning import export_config


class Command(BaseCommand):
    help = "Export Hydra's configuration to a directory (the format manage.py provision reads)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("directory", type=Path)

    def handle(self, *args, **options) -> None:
        for path in export_config(options["directory"]):
            self.stdout.write(str(path))
