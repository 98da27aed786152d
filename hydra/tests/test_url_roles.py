"""Every URL checks a permission: walk the resolver (as test_url_access.py does for login),
so a new page or endpoint without one fails here before anyone finds it open."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver, resolve
from rest_framework.test import APIClient

from core.services import api_token_create
from hydra.tests.test_url_access import PUBLIC, PUBLIC_PREFIXES, _concrete, _protected, _walk

pytestmark = pytest.mark.django_db
OWN_TOKENS = {"/api/v1/tokens/", "/api/v1/tokens/1/"}  # anyone's own; others' are 404
ANYONE_MAY_POST = {"/logout/", *OWN_TOKENS}
UNSAFE = ("post", "put", "patch", "delete")


def _callbacks() -> list:
    return [
        pytest.param(_concrete(route), callback, is_api, id=_concrete(route))
        for route, name, is_api, callback in _walk(get_resolver().url_patterns, callbacks=True)
        if name not in PUBLIC and not route.startswith((*PUBLIC_PREFIXES, "admin/"))
    ]


def _refused_by_role(response) -> bool:
    """403 with the role's message (not a CSRF failure or any other 403)."""
    return response.status_code == 403 and b"may not do this" in response.content


def _admin_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.fixture
def nobody(django_user_model):
    """A signed-in account in no role group."""
    return django_user_model.objects.create_user("erin")


@pytest.mark.parametrize(("url", "callback", "is_api"), _callbacks())
def test_every_view_declares_what_it_needs(url, callback, is_api):
    if is_api:
        view = callback.cls
        declared = getattr(view, "required_perms", None) is not None
        assert (
            declared or getattr(view, "queryset", None) is not None or "get_queryset" in vars(view)
        ), f"{url}: set required_perms or a queryset on {view.__name__}"
    elif url != "/logout/":
        assert hasattr(callback, "permissions"), (
            f"{url}: decorate the view with core.permissions.needs"
        )


@pytest.mark.parametrize("url", sorted(set(_protected()) - ANYONE_MAY_POST))
def test_an_account_without_a_role_is_refused_everywhere(client, nobody, url):
    client.force_login(nobody)
    response = client.get(url)
    if response.status_code == 405:  # a view that only writes
        response = client.post(url)
    assert _refused_by_role(response) or (url.startswith("/admin/") and _admin_login(response)), (
        url,
        response.status_code,
    )


@pytest.mark.parametrize("url", sorted(set(_protected(api=False)) - ANYONE_MAY_POST))
def test_a_viewer_may_write_on_no_page(viewer, url):
    client = Client()
    client.force_login(viewer)
    for method in UNSAFE:
        response = getattr(client, method)(url)
        assert (
            response.status_code == 405 or _refused_by_role(response) or _admin_login(response)
        ), (
            url,
            method,
            response.status_code,
        )


@pytest.mark.parametrize("url", sorted(set(_protected(api=True)) - ANYONE_MAY_POST))
def test_a_viewers_token_may_write_through_no_endpoint(viewer, url):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_create(user=viewer)[1]}")
    view = resolve(url).func.cls  # type: ignore[attr-defined]
    reads = ("post",) if getattr(view, "reads_by_post", False) else ()  # Prometheus's API
    for method in (m for m in UNSAFE if m not in reads):
        response = getattr(client, method)(url, {}, format="json")
        assert response.status_code == 405 or _refused_by_role(response), (
            url,
            method,
            response.status_code,
        )


def test_the_walk_reaches_pages_endpoints_and_writes():
    urls = {param.values[0] for param in _callbacks()}
    assert {"/alerts/1/acknowledge/", "/api/v1/alert-rules/1/", "/write", "/dashboards/"} <= urls
    assert len(urls) > 50
