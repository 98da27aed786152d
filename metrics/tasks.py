from celery import shared_task

from metrics import retention, rollups, services


@shared_task(name="metrics.tasks.rollups_update", ignore_result=True)
def rollups_update() -> int:
    """Keep the 1-minute and 1-hour rollups current (every 60 s)."""
    return rollups.rollups_update()


@shared_task(name="metrics.tasks.retention_enforce", ignore_result=True)
def retention_enforce() -> dict:
    """Delete raw points and rollups past their retention (daily)."""
    return retention.retention_enforce()


@shared_task(name="metrics.tasks.compact_points", ignore_result=True)
def compact_points() -> int:
    """Compact raw points older than the hot window into chunks (every 15 min)."""
    return services.points_compact().points
