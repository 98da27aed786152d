"""The alerts app's models, split by sub-domain."""

from alerts.models.alerts import Alert, AlertEvent
from alerts.models.detection import Anomaly, DetectorState
from alerts.models.dispatch import DispatcherState, ReceivedAlert, RoutingDecision
from alerts.models.notifications import Notification, NotificationAttempt, NotificationChannel
from alerts.models.recording import RecordingRule
from alerts.models.routing import InhibitionRule, NotificationPolicy, Receiver, TimeInterval
from alerts.models.rules import AlertRule
from alerts.models.silences import Silence

__all__ = [
    "Alert",
    "AlertEvent",
    "AlertRule",
    "Anomaly",
    "DetectorState",
    "DispatcherState",
    "InhibitionRule",
    "Notification",
    "NotificationAttempt",
    "NotificationChannel",
    "NotificationPolicy",
    "ReceivedAlert",
    "Receiver",
    "RoutingDecision",
    "RecordingRule",
    "Silence",
    "TimeInterval",
]
