"""Pages show only what the user's role may do: buttons, forms and links the server would
refuse are not rendered (the server refuses them anyway: test_roles_pages.py)."""

from __future__ import annotations

import pytest

from alerts.live import alert_payload

pytestmark = pytest.mark.django_db
EVERYONE = {"alice", "bob", "charlie", "dana"}
WRITERS = {"alice", "bob", "dana"}

SHOWN = [  # (page, what it contains, who sees it)
    ("/alerts/", 'hx-post="/alerts/{alert}/acknowledge/"', WRITERS),
    ("/alerts/", 'hx-post="/alerts/{alert}/silence/"', WRITERS),
    ("/alerts/", 'href="/api/v1/alert-rules/"', {"alice", "bob"}),
    ("/alerts/", 'href="/admin/alerts/alertrule/"', {"dana"}),
    ("/alerts/{alert}/", 'hx-post="/alerts/{alert}/acknowledge/"', WRITERS),
    ("/alerts/anomalies/", "Not an anomaly</button>", WRITERS),
    ("/forecasts/{series}/", "Forecast now", WRITERS),
    ("/forecasts/", 'href="/api/v1/forecast-configs/"', {"alice", "bob"}),
    ("/scenarios/", 'href="/scenarios/new/"', WRITERS),
    ("/scenarios/", 'id="generate-button"', WRITERS),
    ("/scenarios/", 'id="training-start"', WRITERS),
    ("/scenarios/", 'aria-label="Run checkout"', WRITERS),
    ("/scenarios/{scenario}/", 'id="run-button"', WRITERS),
    ("/scenarios/{scenario}/", 'href="/scenarios/{scenario}/edit/"', WRITERS),
    ("/scenarios/runs/{run}/", 'id="stop-button"', WRITERS),
    ("/scenarios/training/", 'id="training-start"', WRITERS),
    ("/dashboards/", "<h2>New dashboard</h2>", WRITERS),
    ("/dashboards/", 'action="/dashboards/import/"', WRITERS),
    ("/dashboards/{shared}/", 'href="/dashboards/{shared}/edit/"', {"alice", "dana"}),
    ("/", 'href="/admin/">Admin</a>', {"dana"}),
    ("/", 'href="/scenarios/">Scenarios</a>', EVERYONE),
]


@pytest.mark.parametrize(("url", "html", "who"), SHOWN, ids=[f"{u} {h}" for u, h, _ in SHOWN])
def test_a_page_shows_an_action_only_to_whom_it_is_allowed(world, browser_as, url, html, who):
    for actor in sorted(EVERYONE):
        page = browser_as(actor).get(url.format(**world.ids))
        assert page.status_code == 200, (actor, url)
        shown = html.format(**world.ids) in page.content.decode()
        assert shown == (actor in who), (actor, url, html)


@pytest.mark.parametrize(
    ("actor", "role"), [("alice", "editor"), ("charlie", "viewer"), ("dana", "admin")]
)
def test_the_header_shows_the_users_role(world, browser_as, actor, role):
    page = browser_as(actor).get("/").content.decode()
    assert f'id="user-role" title="Your role: what you may do in Hydra">{role}</span>' in page


def test_an_account_without_a_role_sees_no_navigation_and_is_told_why(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("erin"))
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 403
    assert ">no role</span>" in page and 'href="/hosts/"' not in page
    assert "Your account has no role yet" in page and "manage.py set_role erin" in page


@pytest.mark.parametrize(("actor", "can"), [("alice", "acknowledge silence"), ("charlie", "")])
def test_the_page_tells_the_live_script_which_alert_actions_to_keep(world, browser_as, actor, can):
    """Live alert rows are rendered once for every viewer, with both actions; the page's
    ``data-can`` lets static/hydra/alerts.js drop the ones this user may not use."""
    page = browser_as(actor).get("/alerts/").content.decode()
    assert f'data-can="{can}"' in page
    html = alert_payload(world.alert)["html"]
    assert 'data-needs="acknowledge"' in html and 'data-needs="silence"' in html
