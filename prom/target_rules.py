"""What a scrape target may be (pure: no Django). The API, the admin and
``import_scrape_config`` all check targets here, so one set of rules holds everywhere.

Outbound requests are a security surface: only ``http``/``https`` URLs with a host; no
credentials in the URL; no control characters anywhere; secrets only as the *name* of an
environment variable that starts with ``SCRAPE_`` (so a target can never be made to send
Hydra's own ``SECRET_KEY`` or ``DATABASE_URL`` to an outside server).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from prom.durations import format_ms, parse_ms
from prom.labels import LABEL_NAME_RE, MAX_LABELS, MAX_VALUE
from prom.scrape_config.relabel import RelabelError, rule

MAX_URL = 2000
MAX_JOB = 200
MAX_USERNAME = 200
MIN_INTERVAL_MS = 1000
MAX_INTERVAL_MS = 3_600_000
MIN_TIMEOUT_MS = 100
ENV_NAME_RE = re.compile(r"SCRAPE_[A-Z0-9_]{1,100}\Z")  # fixed pattern, not user input
SCHEMES = ("http", "https")


class TargetError(ValueError):
    """An invalid target field; ``field`` names it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def check_text(field: str, value: object, limit: int, *, empty: bool = False) -> str:
    if not isinstance(value, str):
        raise TargetError(field, f"{field} must be a string")
    if not value and not empty:
        raise TargetError(field, f"{field} is required")
    if len(value) > limit:
        raise TargetError(field, f"{field} is longer than {limit} characters")
    if not value.isprintable():
        raise TargetError(field, f"{field} contains control characters")
    return value


def check_url(url: object) -> str:
    """An absolute http(s) URL with a host and no user:password part."""
    text = check_text("url", url, MAX_URL)
    if any(c.isspace() for c in text):
        raise TargetError("url", "url contains white space")
    parts = urlsplit(text)
    if parts.scheme.lower() not in SCHEMES:
        raise TargetError("url", "url must start with http:// or https:// (no other scheme)")
    try:
        host, _port = parts.hostname, parts.port
    except ValueError as exc:
        raise TargetError("url", f"url has an invalid port: {exc}") from None
    if not host:
        raise TargetError("url", "url has no host")
    if parts.username is not None or parts.password is not None:
        raise TargetError(
            "url",
            "url must not carry credentials: set username and password_env "
            "(the name of an environment variable holding the password)",
        )
    return text


def check_job(job: object) -> str:
    return check_text("job", job, MAX_JOB)


def check_labels(labels: object) -> dict[str, str]:
    if not isinstance(labels, dict):
        raise TargetError("labels", "labels must be an object of label name -> value")
    if len(labels) > MAX_LABELS:
        raise TargetError("labels", f"at most {MAX_LABELS} labels")
    for name, value in labels.items():
        if not isinstance(name, str) or not LABEL_NAME_RE.match(name):
            raise TargetError("labels", f"label name {str(name)[:80]!r} is invalid")
        if name.startswith("__") or name == "job":
            raise TargetError("labels", f"label {name!r} is reserved (the job is its own field)")
        check_text("labels", value, MAX_VALUE, empty=True)
    return dict(labels)


MAX_RELABEL_RULES = 100


def check_metric_relabel(rules: object) -> list[dict]:
    """Prometheus's ``metric_relabel_configs``: a list of relabel rules (each checked and
    compiled as ``prom.scrape_config.relabel`` does, so a bad one is refused here)."""
    field = "metric_relabel_configs"
    if not isinstance(rules, list):
        raise TargetError(field, f"{field} must be a list of relabel rules")
    if len(rules) > MAX_RELABEL_RULES:
        raise TargetError(field, f"at most {MAX_RELABEL_RULES} rules")
    for i, raw in enumerate(rules):
        try:
            rule(raw)
        except RelabelError as exc:
            raise TargetError(field, f"rule {i + 1}: {exc}") from None
    return list(rules)


def check_env_name(field: str, name: object) -> str:
    if name in ("", None):
        return ""
    if not isinstance(name, str) or not ENV_NAME_RE.match(name):
        raise TargetError(
            field,
            f"{field} is the name of an environment variable, SCRAPE_ and then capitals, "
            "digits or _ (e.g. SCRAPE_NODE_PASSWORD); never the secret itself",
        )
    return name


def check_interval(text: object, field: str = "interval") -> int:
    try:
        ms = parse_ms(text)
    except ValueError as exc:
        raise TargetError(field, str(exc)) from None
    if not MIN_INTERVAL_MS <= ms <= MAX_INTERVAL_MS:
        raise TargetError(
            field,
            f"{field} must be between {format_ms(MIN_INTERVAL_MS)} "
            f"and {format_ms(MAX_INTERVAL_MS)}",
        )
    return ms


def check_timeout(text: object, interval_ms: int) -> int:
    try:
        ms = parse_ms(text)
    except ValueError as exc:
        raise TargetError("timeout", str(exc)) from None
    if not MIN_TIMEOUT_MS <= ms <= interval_ms:
        raise TargetError(
            "timeout",
            f"timeout must be between {format_ms(MIN_TIMEOUT_MS)} and the interval "
            f"({format_ms(interval_ms)})",
        )
    return ms


def check_auth(username: object, password_env: object, bearer_env: object) -> None:
    user = check_text("username", username or "", MAX_USERNAME, empty=True)
    password = check_env_name("password_env", password_env)
    bearer = check_env_name("bearer_env", bearer_env)
    if bearer and (user or password):
        raise TargetError("bearer_env", "use either basic auth (username) or bearer_env")
    if password and not user:
        raise TargetError("username", "password_env needs a username")
