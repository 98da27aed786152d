"""``POST /api/v2/alerts``: alerts from a Prometheus server (or any Alertmanager client)
checked, recorded and handed to the dispatcher like Alertmanager's API does."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from alerts.labelsets import label_map_errors
from alerts.models import ReceivedAlert
from alerts.routing import Alert as EngineAlert
from alerts.routing import alerts_from_api
from alerts.services.dispatch import dispatch_cycle
from alerts.services.routing_config import current_config

MAX_ALERTS = 10_000  # per request


def _checked(items: list) -> tuple[list, list[str]]:
    """Hydra's limits on top of Alertmanager's: names, lengths, control characters."""
    kept, errors = [], []
    for i, item in enumerate(items):
        problems = []
        if isinstance(item, dict):
            problems += label_map_errors(item.get("labels") or {}, what="labels")
            problems += label_map_errors(
                item.get("annotations") or {}, what="annotations", text=True
            )
        if problems:
            errors.append(f"alert {i}: {problems[0]}")
        else:
            kept.append(item)
    return kept, errors


def alerts_receive(*, body: object, now: datetime | None = None) -> tuple[int, list[str]]:
    """Store and dispatch the valid alerts of ``body``; (how many, one error per bad one).

    As in Alertmanager, the valid alerts of a batch are kept even if others are not."""
    now = now or timezone.now()
    if not isinstance(body, list):
        return 0, ["the body must be a JSON list of alerts"]
    if len(body) > MAX_ALERTS:
        return 0, [f"at most {MAX_ALERTS} alerts per request"]
    items, errors = _checked(body)
    timeout = current_config().config.resolve_timeout
    alerts, more = alerts_from_api(items, now=now, resolve_timeout=timeout)
    if alerts:
        received_store(alerts)
        dispatch_cycle(now=now, incoming=alerts)
    return len(alerts), errors + more


def received_store(alerts: list[EngineAlert]) -> None:
    rows = {
        a.fingerprint_hex: ReceivedAlert(
            fingerprint=a.fingerprint_hex,
            labels=a.labels,
            annotations=a.annotations,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            generator_url=a.generator_url,
            updated_at=a.updated_at or timezone.now(),
        )  # fmt: skip
        for a in alerts
    }
    ReceivedAlert.objects.bulk_create(
        list(rows.values()), update_conflicts=True, unique_fields=["fingerprint"],
        update_fields=["labels", "annotations", "starts_at", "ends_at", "generator_url", "updated_at"],
        batch_size=500,
    )  # fmt: skip
