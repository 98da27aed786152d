"""``?p=<token>`` works on the InfluxDB routes only and never reaches a log line (issue 12,
defect 11)."""

from __future__ import annotations

import io
import logging
import time

import httpx
import pytest

from core.redact import RedactingAccessLog, RedactingFilter, redact
from core.tests.helpers import clean_env, free_port, start_daphne, stop, wait_for
from metrics.models import Point

pytestmark = pytest.mark.django_db


def test_the_influxdb_write_routes_accept_the_token_in_the_query(client, token):
    now = int(time.time())
    for path in ("/write", "/api/v2/write"):
        response = client.post(
            f"{path}?precision=s&p={token}", f"q f=1 {now}", content_type="text/plain"
        )
        assert response.status_code == 204
    assert Point.objects.count() == 1


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/series/"),
        ("get", "/api/v1/alerts/"),
        ("post", "/api/v1/metrics/"),
    ],
)
def test_other_routes_ignore_a_token_in_the_query(client, token, method, path):
    call = getattr(client, method)
    response = call(f"{path}?p={token}", HTTP_ACCEPT="application/json")
    assert response.status_code == 401
    assert Point.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        ("POST /write?db=x&p=s3cret&precision=s", "POST /write?db=x&p=[redacted]&precision=s"),
        ("GET /a?token=abc HTTP/1.1", "GET /a?token=[redacted] HTTP/1.1"),
        ("/query?u=bob&p=pw", "/query?u=[redacted]&p=[redacted]"),
        ("/write?P=X", "/write?P=[redacted]"),
        ("/write?precision=s&pp=1", "/write?precision=s&pp=1"),
    ],
)
def test_redact_replaces_every_credential_value(text, clean):
    assert redact(text) == clean


def test_the_logging_filter_redacts_formatted_messages(caplog):
    logger = logging.getLogger("hydra.test.redact")
    handler_stream = io.StringIO()
    handler = logging.StreamHandler(handler_stream)
    handler.addFilter(RedactingFilter())
    logger.addHandler(handler)
    try:
        logger.warning("Not Found: %s", "/api/v1/x?p=abc123secret")
    finally:
        logger.removeHandler(handler)
    assert "abc123secret" not in handler_stream.getvalue()
    assert "p=[redacted]" in handler_stream.getvalue()


def test_the_logging_config_filters_the_console_handler():
    from django.conf import settings

    assert "redact" in settings.LOGGING["handlers"]["console"]["filters"]


def test_daphnes_access_log_is_redacted():
    stream = io.StringIO()
    log = RedactingAccessLog(stream)
    details = {"path": "/write?p=topsecret", "status": 204, "method": "POST", "size": 0}
    log("http", "complete", {**details, "client": "127.0.0.1:5", "time_taken": 0.1})
    assert "topsecret" not in stream.getvalue() and "p=[redacted]" in stream.getvalue()


def test_the_web_process_logs_no_query_credentials(tmp_path):
    """The Procfiles' web command (``python -m hydra.serve``: daphne) end to end."""
    port = free_port()
    log_path = tmp_path / "web.log"
    with log_path.open("w") as log:
        server = start_daphne(port, clean_env(HYDRA_DATA_DIR=str(tmp_path)), log=log)
        try:
            wait_for(f"http://127.0.0.1:{port}/login/")
            httpx.get(f"http://127.0.0.1:{port}/api/v1/series/?p=leaked-key-123", timeout=5)
            httpx.get(f"http://127.0.0.1:{port}/write?db=x&p=leaked-key-456", timeout=5)
        finally:
            stop(server)
    text = log_path.read_text()
    assert "/api/v1/series/?p=[redacted]" in text and "/write?db=x&p=[redacted]" in text
    assert "leaked-key" not in text
