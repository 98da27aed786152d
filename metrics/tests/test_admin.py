import pytest
from django.test import override_settings

from metrics.models import Point, Series
from metrics.tests.factories import SeriesFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, team_admin):
    client.force_login(team_admin)  # the admin role, not a superuser
    return client


@override_settings(HYDRA_MAX_SERIES_PER_METRIC=10)
def test_the_series_list_warns_about_metrics_near_their_limit(staff_client):
    SeriesFactory.create_batch(9, name="busy")
    SeriesFactory(name="quiet")
    response = staff_client.get("/admin/metrics/series/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Metric &#x27;busy&#x27; has 9 series of its limit 10." in text
    assert "quiet&#x27; has" not in text


def test_deleting_a_series_in_the_admin_deletes_its_points(staff_client):
    series, keep = SeriesFactory(name="gone"), SeriesFactory(name="kept")
    Point.objects.bulk_create(
        [Point(series=series, ts=1, value=1.0), Point(series=keep, ts=1, value=2.0)]
    )
    response = staff_client.post(
        "/admin/metrics/series/", {"action": "delete_with_points", "_selected_action": [series.pk]}
    )
    assert response.status_code == 302
    assert list(Point.objects.values_list("series_id", flat=True)) == [keep.pk]
    assert not Series.objects.filter(pk=series.pk).exists()


def test_a_non_staff_user_cannot_see_series_in_the_admin(client, teammate):
    client.force_login(teammate)
    assert client.get("/admin/metrics/series/").status_code == 302
