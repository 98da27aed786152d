from celery import shared_task

from metrics import retention, rollups


@shared_task(name="metrics.tasks.rollups_update", ignore_result=True)
def rollups_update() -> int:
    """Keep the 1-minute and 1-hour rollups current (every 60 s)."""
    return rollups.rollups_update()


@shared_task(name="metrics.tasks.retention_enforce", ignore_result=True)
def retention_enforce() -> dict:
    """Delete raw points and rollups past their retention (daily)."""
    return retention.retention_enforce()
