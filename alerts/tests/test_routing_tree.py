"""The route tree walk (Alertmanager's ``Route.Match``), route keys and explanations."""

from __future__ import annotations

from alerts.routing import explain_routing, load_config_yaml

TREE = """
route:
  receiver: default
  routes:
    - matchers: ['team="db"']
      receiver: db
      continue: true
      routes:
        - matchers: ['severity="critical"']
          receiver: db-pager
        - matchers: ['severity=~"critical|warning"']
          receiver: db-warn
    - match: {team: db}
      receiver: db-audit
    - matchers: ['team="db"']
      receiver: never-reached
    - matchers: ['{team="web", env!="dev"}']
      receiver: web
      routes:
        - matchers: ['severity="critical"']
          receiver: web-pager
          continue: true
        - matchers: ['severity="critical"']
          receiver: web-pager-copy
receivers:
  - {name: default}
  - {name: db}
  - {name: db-pager}
  - {name: db-warn}
  - {name: db-audit}
  - {name: never-reached}
  - {name: web}
  - {name: web-pager}
  - {name: web-pager-copy}
"""
ROOT = load_config_yaml(TREE).route


def _receivers(labels: dict) -> list[str]:
    return [r.receiver for r in ROOT.match(labels)]


def test_an_alert_no_route_wants_stays_on_the_root():
    assert _receivers({"alertname": "x"}) == ["default"]


def test_the_first_matching_child_wins_when_it_does_not_continue():
    assert _receivers({"team": "db", "severity": "critical"}) == ["db-pager", "db-audit"]


def test_continue_on_a_matching_route_lets_later_siblings_match_too():
    # db continues, so db-audit matches too; db-audit does not, so never-reached is skipped.
    assert "never-reached" not in _receivers({"team": "db"})
    assert _receivers({"team": "db"}) == ["db", "db-audit"]


def test_a_parent_matches_itself_when_none_of_its_children_match():
    assert _receivers({"team": "db", "severity": "info"}) == ["db", "db-audit"]
    assert _receivers({"team": "web", "severity": "info"}) == ["web"]


def test_a_matched_parent_without_matching_children_does_not_fall_through_to_the_root():
    assert "default" not in _receivers({"team": "web", "severity": "info"})


def test_a_continuing_child_is_followed_by_its_next_matching_sibling():
    assert _receivers({"team": "web", "severity": "critical"}) == ["web-pager", "web-pager-copy"]


def test_a_rejected_parent_hides_its_children():
    assert _receivers({"team": "web", "env": "dev", "severity": "critical"}) == ["default"]


def test_route_keys_chain_the_matchers_like_alertmanager():
    web_pager = ROOT.routes[3].routes[0]
    assert web_pager.key == '{}/{env!="dev",team="web"}/{severity="critical"}'
    assert web_pager.id == '{}/{env!="dev",team="web"}/{severity="critical"}/0'
    assert ROOT.routes[3].routes[1].id.endswith("/1")  # same key, different position
    assert ROOT.key == "{}" and ROOT.id == "{}"


def test_the_explanation_records_every_route_tried_and_why():
    explanation = explain_routing(ROOT, {"team": "db", "severity": "info"})
    steps = {s.path: s for s in explanation.steps}
    assert steps["route.routes[0]"].outcome == "matched"
    assert steps["route.routes[0]"].selected
    assert "no child route matched" in steps["route.routes[0]"].reason
    assert steps["route.routes[0].routes[0]"].outcome == "rejected"
    assert steps["route.routes[0].routes[0]"].reason == (
        'severity="critical" does not match: severity is "info"'
    )
    assert steps["route.routes[2]"].outcome == "skipped"
    assert "route.routes[1] matched and has no continue" in steps["route.routes[2]"].reason
    assert explanation.receivers == ["db", "db-audit"]


def test_the_explanation_says_when_a_label_is_absent():
    explanation = explain_routing(ROOT, {"team": "web"})
    step = next(s for s in explanation.steps if s.path == "route.routes[3].routes[0]")
    assert (
        step.reason == 'severity="critical" does not match: severity is absent (matches as empty)'
    )


def test_the_explanation_always_agrees_with_the_walk():
    label_sets = [
        {"team": t, "severity": s, "env": e}
        for t in ("db", "web", "ops")
        for s in ("critical", "warning", "info")
        for e in ("dev", "prod")
    ]
    for labels in label_sets:
        assert explain_routing(ROOT, labels).routes == ROOT.match(labels), labels


def test_the_explanation_serialises_to_plain_data():
    data = explain_routing(ROOT, {"team": "db"}).to_dict()
    assert data["routes"] == [
        {"path": "route.routes[0]", "id": '{}/{team="db"}/0', "receiver": "db"},
        {"path": "route.routes[1]", "id": '{}/{team="db"}/1', "receiver": "db-audit"},
    ]
    assert {"path", "depth", "matchers", "receiver", "outcome", "reason", "selected"} <= set(
        data["steps"][0]
    )
