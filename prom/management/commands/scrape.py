"""``python manage.py scrape [--shard i/n]``: scrape the targets (of one shard) until
SIGTERM/SIGINT."""

from __future__ import annotations

import signal
import threading

from django.core.management.base import BaseCommand, CommandError

from prom.scraper.runner import run


def parse_shard(text: str) -> tuple[int, int]:
    index, sep, count = text.partition("/")
    if not (sep and index.isdigit() and count.isdigit()) or not 0 <= int(index) < int(count):
        raise CommandError(f"--shard {text!r}: give i/n with 0 <= i < n, e.g. 0/2")
    return int(index), int(count)


class Command(BaseCommand):
    help = "Scrape the Prometheus targets (ScrapeTarget) and store their samples."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--shard",
            default="0/1",
            help="i/n: scrape the targets whose stable hash of (job, url) mod n is i",
        )

    def handle(self, *args, **options) -> None:
        shard = parse_shard(options["shard"])
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        self.stdout.write(f"scraping shard {shard[0]}/{shard[1]}")
        scraper = run(stop, shard)
        self.stdout.write(f"stopped after {scraper.scrapes} scrapes, {scraper.written} points")
