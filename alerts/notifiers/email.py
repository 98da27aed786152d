"""E-mail through Django's e-mail backend: a plain-text body and an HTML alternative."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils.html import escape

from alerts.notifiers.base import Outcome, line, subject


def _html(items: list[dict]) -> str:
    rows = "".join(
        f"<tr><td>{escape(i['kind'])}</td><td>{escape(i['severity'])}</td>"
        f"<td>{escape(i['rule'])}</td><td>{escape(i['host'])}</td>"
        f"<td>{escape(i['summary'])}</td></tr>"
        for i in items
    )
    return f"<table><tr><th>kind</th><th>severity</th><th>rule</th><th>host</th><th>summary</th></tr>{rows}</table>"


def send_email(channel, items: list[dict]) -> Outcome:
    text = "\n".join(
        line(i) + (f"\n  {i['description']}" if i.get("description") else "") for i in items
    )
    message = EmailMultiAlternatives(
        subject=subject(items),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=channel.addresses,
    )
    message.attach_alternative(_html(items), "text/html")
    try:
        message.send()
    except Exception as exc:  # SMTP errors come in many classes
        return Outcome(ok=False, error=f"{type(exc).__name__}: {exc}")
    return Outcome(ok=True)
