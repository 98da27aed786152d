"""``/api/v1/scrape-targets/``: admins add, change and remove targets; viewers read them."""

from __future__ import annotations

from rest_framework import viewsets

from prom.api.serializers import ScrapeTargetSerializer
from prom.models import ScrapeTarget


class ScrapeTargetViewSet(viewsets.ModelViewSet):
    """Targets Hydra scrapes (``prom.view_scrapetarget`` to read; writes are admin-only:
    only admins decide where Hydra's outbound requests go)."""

    serializer_class = ScrapeTargetSerializer
    queryset = ScrapeTarget.objects.order_by("job", "url")

    def perform_create(self, serializer) -> None:
        serializer.save(source="api")
