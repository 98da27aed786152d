"""Credentials never reach a log line (issue 12, defect 11).

InfluxDB clients may send their token as ``?p=`` (and the user as ``?u=``); any URL that
lands in a log — daphne's access log, Django's request warnings — has those values
replaced by ``[redacted]``."""

from __future__ import annotations

import logging
import re

from daphne.access import AccessLogGenerator

SECRET_PARAMS = ("p", "u", "token", "password", "api_key")
_NAMES = "|".join(SECRET_PARAMS)
_SECRET = re.compile(rf"([?&;](?:{_NAMES})=)[^&;\s\"']*", re.IGNORECASE)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` with every ``p=``/``u=``/``token=``... query value replaced."""
    return _SECRET.sub(r"\1" + REDACTED, text) if "=" in text else text


class RedactingFilter(logging.Filter):
    """A logging filter: the formatted message (and a traceback's text) redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


class RedactingAccessLog(AccessLogGenerator):
    """daphne's access log, with the request's query credentials redacted."""

    def __call__(self, protocol, action, details):
        if isinstance(details, dict) and isinstance(details.get("path"), str):
            details = {**details, "path": redact(details["path"])}
        return super().__call__(protocol, action, details)
