"""Alertmanager-grade routing, grouping, inhibition and timing. Pure: never imports Django.

The Django side uses it like this::

    config = load_config_yaml(text)              # ConfigError with a clear message
    dispatcher = Dispatcher(config, silencer=...)  # one per process, kept in memory
    alerts, errors = alerts_from_api(body, now=now, resolve_timeout=config.resolve_timeout)
    dispatcher.ingest(alerts, now)               # POST /api/v2/alerts, rule evaluations
    for n in dispatcher.flush(now):              # every second, or at next_flush_at()
        send(n.receiver, n.integration, webhook_payload(n, external_url=...))
    dispatcher.decisions                          # why each flushed group did (not) notify
    dispatcher.explain(labels).to_dict()         # the route walk, for the alert page

A caller that is not one long-lived process (a periodic task) saves and loads the whole
state: ``state = dump(dispatcher, now)`` (JSON-able) and ``restore(config, state)``. The
part that must survive a restart, as with Alertmanager, is the notification log
(``dispatcher.nflog.to_state()`` / ``NotificationLog.from_state``): sources re-send alerts.
"""

from alerts.routing.alert import Alert, AlertError, alert_from_api, alerts_from_api, format_time
from alerts.routing.config import (
    Config,
    ConfigError,
    InhibitRule,
    Integration,
    Receiver,
    load_config,
    load_config_yaml,
)
from alerts.routing.dispatcher import Dispatcher
from alerts.routing.explain import RoutingExplanation, explain_routing
from alerts.routing.groups import FlushDecision, Notification
from alerts.routing.labels import fingerprint, fingerprint_hex
from alerts.routing.matchers import Matcher, MatcherError, parse_matchers
from alerts.routing.nflog import NotificationLog
from alerts.routing.routes import Route
from alerts.routing.state import dump, restore
from alerts.routing.timeintervals import TimeInterval
from alerts.routing.webhook import template_data, webhook_payload

__all__ = [
    "Alert", "AlertError", "Config", "ConfigError", "Dispatcher", "FlushDecision",
    "InhibitRule", "Integration", "Matcher", "MatcherError", "Notification",
    "NotificationLog", "Receiver", "Route", "RoutingExplanation", "TimeInterval",
    "alert_from_api", "alerts_from_api", "dump", "explain_routing", "fingerprint", "fingerprint_hex",
    "format_time", "load_config", "load_config_yaml", "parse_matchers", "restore", "template_data",
    "webhook_payload",
]  # fmt: skip
