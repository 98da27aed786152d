"""Routing rows <-> alertmanager.yml: import (validated, idempotent, dry-run), export."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from alerts.models import InhibitionRule, NotificationPolicy, Receiver, TimeInterval
from alerts.routing import ConfigError, load_config
from alerts.services.routing_config import config_data, config_import, current_config

pytestmark = pytest.mark.django_db

CONFIG = """
global:
  resolve_timeout: 5m
route:
  receiver: default
  group_by: [alertname]
  group_wait: 1s
  routes:
    - matchers: ['team="db"']
      receiver: db
      continue: true
      routes:
        - match: {severity: critical}
          receiver: db-pager
    - match_re: {service: "web|api"}
      receiver: web
      group_by: ['...']
      mute_time_intervals: [nights]
receivers:
  - name: default
  - name: db
    webhook_configs: [{url: "http://127.0.0.1:9/db"}]
  - name: db-pager
    pagerduty_configs: [{routing_key: abc}]
  - name: web
    slack_configs: [{channel: "#web"}]
  global_slack: null
inhibit_rules:
  - source_match: {severity: critical}
    target_matchers: ['severity="warning"']
    equal: [alertname]
time_intervals:
  - name: nights
    time_intervals: [{times: [{start_time: "00:00", end_time: "06:00"}], location: Europe/Paris}]
"""


def _text(global_slack: bool = True) -> str:
    text = CONFIG.replace("  global_slack: null\n", "")
    if global_slack:
        text = text.replace(
            "  resolve_timeout: 5m",
            "  resolve_timeout: 5m\n  slack_api_url: https://hooks.slack.test/x",
        )
    return text


def test_the_migration_creates_a_root_policy_sending_to_the_rules_channels():
    root = NotificationPolicy.objects.get(parent=None)
    assert root.receiver.name == "rule-channels" and root.group_by == ["alertname"]
    config = current_config().config
    assert (
        config.route.receiver == "rule-channels"
        and config.receivers["rule-channels"].integrations == ()
    )


def test_importing_an_alertmanager_yml_creates_the_rows_and_the_same_routing(tmp_path):
    path = tmp_path / "alertmanager.yml"
    path.write_text(_text())
    call_command("import_alertmanager_config", str(path), stdout=io.StringIO())
    assert set(Receiver.objects.values_list("name", flat=True)) == {
        "default",
        "db",
        "db-pager",
        "web",
    }
    db = NotificationPolicy.objects.get(matchers=['team="db"'])
    assert db.continue_matching and db.provisioned and db.source == str(path)
    assert NotificationPolicy.objects.get(parent=db).matchers == ['severity="critical"']
    web = NotificationPolicy.objects.get(receiver__name="web")
    assert web.matchers == ['service=~"^(?:web|api)$"'] and web.group_by == ["..."]
    assert InhibitionRule.objects.get().source_matchers == ['severity="critical"']
    assert TimeInterval.objects.get().name == "nights"
    assert (
        Receiver.objects.get(name="web")
        .config["slack_configs"][0]["api_url"]
        .startswith("https://")
    )
    route = current_config().config.route
    labels = {"team": "db", "severity": "critical", "service": "api"}
    assert [r.receiver for r in route.match(labels)] == ["db-pager", "web"]
    # the same group keys as Alertmanager's (match_re anchored like Alertmanager keys it)
    direct = load_config_from_text(_text()).route
    assert [r.key for r in route.match(labels)] == [r.key for r in direct.match(labels)]


def load_config_from_text(text: str):
    from alerts.routing import load_config_yaml

    return load_config_yaml(text)


def test_importing_again_changes_nothing_and_dry_run_writes_nothing():
    from alerts.routing.config import parse_yaml

    data = parse_yaml(_text())
    assert config_import(data, dry_run=True)  # a diff is printed...
    assert Receiver.objects.get().name == "rule-channels"  # ...and nothing written
    assert config_import(data)
    ids = list(NotificationPolicy.objects.values_list("id", flat=True))
    assert config_import(data) == []
    assert list(NotificationPolicy.objects.values_list("id", flat=True)) == ids


def test_export_is_a_valid_alertmanager_config_that_imports_back_to_the_same():
    from alerts.routing.config import parse_yaml

    config_import(parse_yaml(_text()))
    exported = config_data()
    load_config(exported)
    assert config_import(exported) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("receiver: web\n", "receiver: nobody\n"), "undefined receiver 'nobody'"),
        (("['team=\"db\"']", "['team=~\"(\"']"), "missing \\)"),
        (("group_wait: 1s", "group_wait: soon"), "group_wait"),
        (
            ("mute_time_intervals: [nights]", "mute_time_intervals: [days]"),
            "undefined time interval",
        ),
    ],
)
def test_an_invalid_file_is_refused_with_the_reason_and_nothing_changes(tmp_path, change, message):
    path = tmp_path / "alertmanager.yml"
    path.write_text(_text().replace(*change))
    with pytest.raises(CommandError, match=message):
        call_command("import_alertmanager_config", str(path))
    assert list(Receiver.objects.values_list("name", flat=True)) == ["rule-channels"]
    assert NotificationPolicy.objects.count() == 1


def test_a_missing_or_unparsable_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_alertmanager_config", str(tmp_path / "nope.yml"))
    (tmp_path / "bad.yml").write_text("route: [")
    with pytest.raises(CommandError, match="not valid YAML"):
        call_command("import_alertmanager_config", str(tmp_path / "bad.yml"))


@pytest.mark.parametrize(
    ("model", "fields", "field", "message"),
    [
        (NotificationPolicy, {"matchers": ['a=~"("'], "parent_id": 1}, "matchers", "matchers[0]"),
        (NotificationPolicy, {"group_wait": "5 minutes", "parent_id": 1}, "group_wait", ""),
        (NotificationPolicy, {"group_by": ["a-b"], "parent_id": 1}, "group_by", "not a label name"),
        (NotificationPolicy, {}, "receiver", "must name a receiver"),
        (InhibitionRule, {"source_matchers": ["x"], "target_matchers": []}, "source_matchers", ""),
        (InhibitionRule, {"equal": ["a b"]}, "equal", "not a label name"),
        (Receiver, {"name": "r", "config": {"webhook_configs": [{}]}}, "config", "url"),
        (Receiver, {"name": "r", "config": {"fax_configs": []}}, "config", "unknown field"),
        (TimeInterval, {"name": "t", "intervals": [{"weekdays": ["someday"]}]}, "intervals", ""),
    ],
)
def test_admin_rows_are_validated_through_the_engine(model, fields, field, message):
    obj = model(**fields)
    with pytest.raises(ValidationError) as caught:
        obj.full_clean()
    assert message in " ".join(caught.value.message_dict[field])


def test_a_config_the_engine_refuses_raises_config_error_from_current_config():
    root = NotificationPolicy.objects.get(parent=None)
    NotificationPolicy.objects.create(parent=root, mute_time_intervals=["missing"])
    with pytest.raises(ConfigError, match="undefined time interval"):
        current_config()
