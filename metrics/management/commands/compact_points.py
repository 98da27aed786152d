"""Compact raw points older than the hot window (or ``--older-than``) into chunks."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from metrics.query.params import parse_duration_s
from metrics.services import points_compact

US = 1_000_000


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--older-than",
            help="a duration like 2h or 30m (default: HYDRA_HOT_WINDOW); only whole 6-hour "
            "windows that end before now minus this are compacted",
        )

    def handle(self, *args, **options) -> None:
        text = options["older_than"]
        try:
            seconds = parse_duration_s(text) if text else settings.HYDRA_HOT_WINDOW.total_seconds()
        except ValueError as exc:
            raise CommandError(f"--older-than: {exc}") from None
        done = points_compact(older_than_us=int(seconds * US))
        rate = done.points / done.seconds if done.seconds else 0.0
        self.stdout.write(
            f"compacted {done.points} points into {done.units} chunk windows "
            f"in {done.seconds:.1f} s ({rate:,.0f} points/s)"
        )
        if done.dropped:
            self.stdout.write(f"dropped {len(done.dropped)} emptied hot partition(s)")
