from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from core.selectors import HEARTBEAT_KEY


@shared_task(name="core.tasks.heartbeat", ignore_result=True)
def heartbeat() -> None:
    """Proves a worker (or the embedded scheduler) runs: the health endpoint reads it."""
    cache.set(HEARTBEAT_KEY, timezone.now().timestamp(), timeout=3600)
