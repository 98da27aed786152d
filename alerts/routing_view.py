"""What the alert page shows about notification routing: the route walk for the alert's
labels (which policy matched and why) and the stored decisions of the groups it was in
(which notifications went out, or why not)."""

from __future__ import annotations

from dataclasses import dataclass, field

from alerts.models import Notification, RoutingDecision
from alerts.routing import ConfigError, explain_routing
from alerts.services.routing_config import current_config

RECENT = 20


@dataclass
class DecisionRow:
    decision: RoutingDecision
    this_alert: str  # "inhibited by …", "silenced (…)", or "" when it was notified
    integrations: list[tuple[str, str]] = field(default_factory=list)


def alert_routing(labels: dict[str, str], fingerprint: str) -> dict:
    """The context of the alert page's routing section."""
    try:
        route = current_config().config.route
    except ConfigError as exc:
        return {"error": f"The notification policies are invalid: {exc}"}
    explanation = explain_routing(route, labels) if labels else None
    decisions = list(RoutingDecision.objects.filter(fingerprints__contains=fingerprint)[:RECENT])
    rows = [_row(d, fingerprint) for d in decisions if fingerprint in d.fingerprints.split()]
    keys = {d.group_key for d in decisions}
    notes = Notification.objects.filter(group_key__in=keys).order_by("-created_at")[:RECENT]
    return {"steps": explanation.steps if explanation else [], "decisions": rows, "sent": notes}


def _row(decision: RoutingDecision, fingerprint: str) -> DecisionRow:
    details = decision.details or {}
    if by := details.get("inhibited", {}).get(fingerprint):
        why = f"inhibited by alert {by}"
    elif silence := details.get("silenced", {}).get(fingerprint):
        why = f"silenced ({silence})"
    else:
        why = ""
    return DecisionRow(decision, why, sorted(details.get("integrations", {}).items()))
