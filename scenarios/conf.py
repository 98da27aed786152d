"""The load-test settings as the engine's types (allow-list and caps)."""

from __future__ import annotations

from django.conf import settings

from scenarios.engine import Limits


def allowed_hosts() -> list[str]:
    """``HYDRA_SCENARIO_ALLOWED_HOSTS``: IPs, CIDRs, host names and ``*.domain`` wildcards."""
    return list(settings.HYDRA_SCENARIO_ALLOWED_HOSTS)


def limits() -> Limits:
    """Caps from ``HYDRA_SCENARIO_MAX_*``."""
    return Limits(
        max_vus=settings.HYDRA_SCENARIO_MAX_VUS,
        max_rate=settings.HYDRA_SCENARIO_MAX_RATE,
        max_duration=settings.HYDRA_SCENARIO_MAX_DURATION.total_seconds(),
        max_inflight=settings.HYDRA_SCENARIO_MAX_INFLIGHT,
    )
