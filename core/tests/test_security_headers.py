"""Content-Security-Policy on every page (no inline script without the request's nonce),
HSTS behind a TLS proxy, no "share to cloud" chart button (issue 12, defect 12)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.tests.helpers import ROOT, clean_env

pytestmark = pytest.mark.django_db
TEMPLATES = ROOT / "templates"


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def test_pages_get_a_policy_whose_scripts_need_the_nonce(client, owner):
    client.force_login(owner)
    response = client.get("/")
    assert response.status_code == 200
    directives = policy(response)
    (nonce,) = [s for s in directives["script-src"] if s.startswith("'nonce-")]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"] and directives["object-src"] == ["'none'"]
    inline = re.findall(rb"<script(?![^>]*\bsrc=)([^>]*)>", response.content)
    assert inline and all(nonce[7:-1].encode() in attrs for attrs in inline)


def test_the_login_page_and_the_api_docs_have_it_too(client):
    assert "script-src" in client.get("/login/").headers["Content-Security-Policy"]
    assert "Content-Security-Policy" in client.get("/api/docs/").headers


def test_no_template_has_an_inline_handler_or_a_script_without_the_nonce():
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    script = re.compile(r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>", re.IGNORECASE)
    offenders = [
        str(path.relative_to(ROOT))
        for path in TEMPLATES.rglob("*.html")
        if handler.search(text := path.read_text()) or script.search(text)
    ]
    assert offenders == []


def test_every_chart_page_loads_the_plotly_config_without_the_cloud_button():
    config = (ROOT / "static/hydra/plotly-config.js").read_text()
    assert "showSendToCloud: false" in config and "sendChartToCloud" in config
    direct = [
        str(p.relative_to(ROOT))
        for p in TEMPLATES.rglob("*.html")
        if "plotly.min.js" in p.read_text() and p.name != "_plotly.html"
    ]
    assert direct == []  # every page includes hydra/_plotly.html, which loads the config


def settings_value(name: str, **env: str) -> str:
    code = (
        f"import django; django.setup(); from django.conf import settings; print(settings.{name})"
    )
    env_all = clean_env(DJANGO_SETTINGS_MODULE="hydra.settings", **env)
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env_all, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_hsts_only_behind_a_tls_proxy(tmp_path: Path):
    data = str(tmp_path)
    assert settings_value("SECURE_HSTS_SECONDS", HYDRA_DATA_DIR=data) == "0"
    behind = settings_value(
        "SECURE_HSTS_SECONDS", HYDRA_DATA_DIR=data, HYDRA_BEHIND_TLS_PROXY="true"
    )
    assert int(behind) >= 31_536_000


def test_an_https_request_behind_the_proxy_gets_hsts(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31_536_000
    response = client.get("/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
