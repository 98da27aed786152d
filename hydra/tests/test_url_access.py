"""Every URL needs login: walk the resolver instead of listing URLs by hand."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

PUBLIC = {"login", "health", "schema", "api-docs", "prometheus-metrics", "favicon"}
PUBLIC_PREFIXES = ("admin/login", "admin/logout", "static/")
pytestmark = pytest.mark.django_db


def _walk(patterns, prefix="", ns=None, callbacks=False):
    """(route, name, is a DRF view[, the view function]) of every pattern."""
    for p in patterns:
        if isinstance(p, URLResolver):
            inner_ns = p.namespace or ns
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner_ns, callbacks)
        elif isinstance(p, URLPattern):
            found = (prefix + str(p.pattern), p.name, hasattr(p.callback, "cls"))
            yield (*found, p.callback) if callbacks else found


def _concrete(route: str) -> str:
    """Turn a route or regex into a URL with made-up arguments."""
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"<(?:int:)?\w*(?:pk|id)>", "1", route)
    route = re.sub(r"<(?:\w+:)?\w+>", "x", route)
    route = route.replace("^", "").replace("$", "").replace("\\", "")
    route = re.sub(r"\([^)]*\)\??", "", route)
    return "/" + route.lstrip("/")


def _protected(api: bool | None = None) -> list[str]:
    """Concrete URLs of every non-public pattern; ``api``: only DRF views (or only pages)."""
    urls = set()
    for route, name, is_api in _walk(get_resolver().url_patterns):
        if name in PUBLIC or route.startswith(PUBLIC_PREFIXES):
            continue
        if api is None or api == is_api:
            urls.add(_concrete(route))
    return sorted(urls)


def test_the_walk_finds_every_section():
    urls = _protected()
    for expected in ("/", "/alerts/", "/admin/", "/api/v1/tokens/", "/explore/", "/write"):
        assert expected in urls
    assert len(urls) > 20
    assert "/api/v1/metrics/" in _protected(api=True) and "/hosts/" in _protected(api=False)


@pytest.mark.parametrize("url", _protected(api=False))
def test_an_anonymous_browser_is_sent_to_login(client, url):
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code == 302, url
    assert response["Location"].startswith(("/login/", "/admin/login/")), url


@pytest.mark.parametrize("url", _protected(api=True))
def test_an_anonymous_browser_gets_401_or_403_from_api_endpoints(client, url):
    response = client.get(url, HTTP_ACCEPT="text/html")
    assert response.status_code in (401, 403), url


@pytest.mark.parametrize("url", _protected())
def test_an_anonymous_api_client_gets_401_or_403(client, url):
    response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code in (401, 403), url


def test_login_and_health_are_public(client):
    assert client.get("/login/").status_code == 200
    assert client.get("/api/v1/health").status_code in (200, 503)


def test_a_logged_in_user_sees_the_pages(client, owner):
    client.force_login(owner)
    for url in (
        "/",
        "/hosts/",
        "/explore/",
        "/alerts/",
        "/forecasts/",
        "/scenarios/",
        "/dashboards/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert b'id="nav"' in response.content


def test_a_non_staff_user_is_kept_out_of_the_admin(client, teammate):
    client.force_login(teammate)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
