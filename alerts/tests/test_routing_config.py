"""Loading ``alertmanager.yml``: inheritance, receivers, inhibition rules and validation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from alerts.routing import ConfigError, load_config, load_config_yaml

BASE = """
global:
  resolve_timeout: 2m
  slack_api_url: https://hooks.slack.example/T0
route:
  receiver: default
  group_by: [alertname]
  group_wait: 10s
  routes:
    - matchers: ['team="db"']
      receiver: db
      repeat_interval: 1h
      mute_time_intervals: [nights]
      routes:
        - matchers: ['severity="critical"']
          group_by: ['...']
          routes:
            - matchers: ['env="prod"']
              group_by: [cluster]
receivers:
  - name: default
    email_configs: [{to: ops@example.com}]
  - name: db
    webhook_configs: [{url: http://hook.example/db, max_alerts: 5}]
    slack_configs: [{channel: '#db'}, {channel: '#db2', send_resolved: true}]
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_match_re: {severity: 'warning|info'}
    equal: [alertname, cluster]
time_intervals:
  - name: nights
    time_intervals: [{times: [{start_time: '22:00', end_time: '24:00'}]}]
"""


def _config(**overrides):
    import yaml

    data = yaml.safe_load(BASE)
    data.update(overrides)
    return load_config(data)


def test_children_inherit_receiver_grouping_and_timers_but_not_time_intervals():
    root = load_config_yaml(BASE).route
    db = root.routes[0]
    critical = db.routes[0]
    prod = critical.routes[0]
    assert (db.receiver, db.group_wait, db.repeat_interval) == (
        "db",
        timedelta(seconds=10),
        timedelta(hours=1),
    )
    assert db.group_interval == timedelta(minutes=5)  # Alertmanager's default
    assert (critical.receiver, critical.group_by_all) == ("db", True)
    assert critical.repeat_interval == timedelta(hours=1)
    assert critical.mute_time_intervals == ()  # not inherited, as in Alertmanager
    assert (prod.group_by, prod.group_by_all) == (frozenset({"cluster"}), False)


def test_an_empty_group_by_inherits_the_parents_like_alertmanager():
    route = {"receiver": "default", "group_by": ["alertname"], "routes": [{"group_by": []}]}
    assert _config(route=route).route.routes[0].group_by == frozenset({"alertname"})


def test_receivers_keep_their_integrations_with_send_resolved_defaults():
    config = load_config_yaml(BASE)
    db = config.receivers["db"]
    assert [(i.kind, i.index, i.send_resolved) for i in db.integrations] == [
        ("webhook", 0, True),
        ("slack", 0, False),
        ("slack", 1, True),
    ]
    assert db.integrations[0].config["max_alerts"] == 5
    assert config.receivers["default"].integrations[0].send_resolved is False  # e-mail


def test_inhibit_rules_combine_new_and_legacy_matchers():
    rule = load_config_yaml(BASE).inhibit_rules[0]
    assert rule.source.matches({"severity": "critical"})
    assert rule.target.matches({"severity": "info"}) and not rule.target.matches(
        {"severity": "page"}
    )
    assert rule.equal == ("alertname", "cluster")


def test_global_settings_are_read():
    config = load_config_yaml(BASE)
    assert config.resolve_timeout == timedelta(minutes=2)
    assert list(config.time_intervals) == ["nights"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"route": {"receiver": "nobody"}}, "undefined receiver 'nobody'"),
        (
            {"route": {"receiver": "default", "routes": [{"receiver": "x"}]}},
            r"route.routes\[0\]: undefined receiver",
        ),
        (
            {"route": {"receiver": "default", "group_wait": "5 minutes"}},
            "group_wait: not a valid duration",
        ),
        (
            {"route": {"receiver": "default", "group_interval": "0s"}},
            "group_interval cannot be zero",
        ),
        (
            {"route": {"receiver": "default", "routes": [{"matchers": ['a=~"("']}]}},
            "error parsing regexp",
        ),
        (
            {"route": {"receiver": "default", "routes": [{"match_re": {"a": "[z-a]"}}]}},
            "error parsing regexp",
        ),
        (
            {"route": {"receiver": "default", "matchers": ['a="b"']}},
            "root route must not have any matchers",
        ),
        ({"route": {"receiver": "default", "continue": True}}, "continue in the root route"),
        (
            {"route": {"receiver": "default", "mute_time_intervals": ["nights"]}},
            "mute or active time",
        ),
        ({"route": {"group_by": ["a"]}}, "must specify a default receiver"),
        ({"route": {"receiver": "default", "group_by": ["...", "a"]}}, "wildcard group_by"),
        ({"route": {"receiver": "default", "group_by": ["a", "a"]}}, "duplicated label 'a'"),
        (
            {"route": {"receiver": "default", "routes": [{"mute_time_intervals": ["x"]}]}},
            "undefined time interval 'x'",
        ),
        ({"route": {"receiver": "default", "recevier": "db"}}, "unknown field"),
        ({"receivers": [{"name": "default"}, {"name": "default"}]}, "'default' is not unique"),
        ({"receivers": [{"name": "default", "webhook_configs": [{}]}]}, "one of url, url_file"),
        ({"receivers": [{"name": "default", "carrier_pigeon_configs": [{}]}]}, "unknown field"),
        (
            {"inhibit_rules": [{"source_matchers": ["bad matcher"]}]},
            r"inhibit_rules\[0\]: bad matcher",
        ),
        ({"inhibit_rules": [{"equal": ["not-a-label"]}]}, "invalid label name"),
        (
            {"time_intervals": [{"name": "nights"}], "mute_time_intervals": [{"name": "nights"}]},
            "not unique",
        ),
        ({"global": {"resolve_timeout": "soon", "slack_api_url": "u"}}, "resolve_timeout"),
        ({"routes": []}, "unknown top-level field"),
    ],
)
def test_it_rejects_invalid_configurations_with_a_clear_message(overrides, message):
    with pytest.raises(ConfigError, match=message):
        _config(**overrides)


def test_slack_may_take_its_url_from_global():
    receivers = [{"name": "default", "slack_configs": [{"channel": "#x"}]}]
    route = {"receiver": "default"}
    assert (
        _config(receivers=receivers, route=route).receivers["default"].integrations[0].kind
        == "slack"
    )
    with pytest.raises(ConfigError, match="api_url"):
        _config(receivers=receivers, route=route, **{"global": {}})


def test_invalid_yaml_is_a_config_error():
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config_yaml("route: [unclosed")


def test_unquoted_times_are_read_as_text_like_alertmanagers_yaml_parser():
    # YAML 1.1 (PyYAML's safe_load) reads 22:00 as the base-60 number 1320.
    text = BASE.replace("'22:00'", "22:00").replace("'24:00'", "24:00")
    assert "start_time: 22:00" in text
    assert load_config_yaml(text).time_intervals["nights"][0].times == ((1320, 1440),)
    with pytest.raises(ConfigError, match="not a valid duration string: '1:30'"):
        load_config_yaml("route: {receiver: r, group_wait: 1:30}\nreceivers: [{name: r}]")


def test_a_dict_from_safe_load_with_base_60_times_is_still_understood():
    import yaml

    data = yaml.safe_load(BASE.replace("'22:00'", "22:00").replace("'24:00'", "24:00"))
    assert data["time_intervals"][0]["time_intervals"][0]["times"][0]["start_time"] == 1320
    assert load_config(data).time_intervals["nights"][0].times == ((1320, 1440),)
