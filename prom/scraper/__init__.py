"""Hydra's Prometheus scraper: one asyncio loop pulls every target's ``/metrics`` (``loop``),
parses it (``parse``), labels it like Prometheus (``assemble``) and writes it in batches
through the ingestion write path (``writer``). ``python manage.py scrape [--shard i/n]``."""
