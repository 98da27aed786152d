"""The enabled targets of a shard, as plain ``TargetInfo`` copies for the scrape loop."""

from __future__ import annotations

import json

from django.db import close_old_connections

from prom.models import ScrapeTarget
from prom.scraper.assemble import TargetInfo
from prom.scraper.loop import Shard, in_shard


def info(target: ScrapeTarget) -> TargetInfo:
    return TargetInfo(
        id=target.pk,
        job=target.job,
        url=target.url,
        interval_ms=target.interval_ms,
        timeout_ms=target.timeout_ms,
        labels=tuple(sorted((target.labels or {}).items())),
        honor_labels=target.honor_labels,
        honor_timestamps=target.honor_timestamps,
        username=target.username,
        password_env=target.password_env,
        bearer_env=target.bearer_env,
        metric_relabel=json.dumps(target.metric_relabel_configs or []),
    )


def load_targets(shard: Shard = (0, 1)) -> list[TargetInfo]:
    close_old_connections()
    targets = [info(t) for t in ScrapeTarget.objects.filter(enabled=True).order_by("pk")]
    return [t for t in targets if in_shard(t, shard)]
