"""What the scenario pages suggest: the demo target in a new scenario's URL, the README's
training example (``/capacity``, p95 < 100 ms, up to 1,000 req/s) on the training card,
and a form whose fields follow the chosen executor."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from core.tests.helpers import log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor(client, owner):
    client.force_login(owner)
    return client


def value_of(page: str, field_id: str) -> str:
    tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page).group(0)
    return re.search(r'value="([^"]*)"', tag).group(1)


def test_a_new_scenario_suggests_the_demo_target(visitor, settings):
    settings.HYDRA_SCENARIO_DEFAULT_TARGET = "http://127.0.0.1:8091/fast"
    page = visitor.get("/scenarios/new/").content.decode()
    assert value_of(page, "id_url") == "http://127.0.0.1:8091/fast"
    assert 'data-field="spike_multiplier"' in page and "scenarios/form.js" in page


def test_the_training_card_defaults_to_the_readmes_example(visitor, settings):
    settings.HYDRA_SCENARIO_DEFAULT_TARGET = "http://127.0.0.1:8091/fast"
    page = visitor.get("/scenarios/").content.decode()
    assert value_of(page, "train_target_url") == "http://127.0.0.1:8091/capacity"
    assert value_of(page, "train_p95_ms") == "100"
    assert value_of(page, "train_max_rps") == "1000"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_only_the_chosen_executors_fields_show(page, asgi_server, user, screenshot):
    log_in(page, asgi_server)
    page.goto(f"{asgi_server}/scenarios/new/")
    field = lambda name: page.locator(f'[data-field="{name}"]')  # noqa: E731
    expect(field("vus")).to_be_visible()
    expect(field("rate")).to_be_hidden()
    expect(field("stages")).to_be_hidden()
    page.select_option("#id_executor", "ramping-arrival-rate")
    expect(field("stages")).to_be_visible()
    expect(field("vus")).to_be_hidden()
    expect(field("duration")).to_be_hidden()
    page.select_option("#id_executor", "spike")
    for name in ("rate", "spike_multiplier", "duration"):
        expect(field(name)).to_be_visible()
    box = page.locator("#id_abort_on_fail").bounding_box()
    url = page.locator("#id_url").bounding_box()
    assert abs(box["x"] - url["x"]) < 2  # the checkbox lines up with the other fields
    assert box["width"] < 40
    screenshot("form")
