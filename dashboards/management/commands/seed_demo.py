"""``manage.py seed_demo``: the demo's rules, forecasts, dashboard and scenario (only what is
missing); ``make run`` runs it when ``HYDRA_DEMO=1`` (the default)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dashboards.demo import demo_seed


class Command(BaseCommand):
    help = "Create the demo's alert rules, forecast settings, dashboard and scenario if missing."

    def handle(self, *args, **options) -> None:
        owner = get_user_model().objects.filter(is_superuser=True).order_by("pk").first()
        if owner is None:
            raise CommandError("No admin to own the demo: run manage.py ensure_admin first.")
        seeded = demo_seed(owner=owner)
        if not seeded.created:
            self.stdout.write("Demo already seeded.")
            return
        for kind, names in seeded.created.items():
            self.stdout.write(f"Demo {kind}{'s' if len(names) > 1 else ''}: {', '.join(names)}")
