"""The routing benchmark's scenario: a 50-route alertmanager.yml and 10,000 alert labels.

Deterministic (seeded). The tree: root + an EU on-call route with ``continue`` + 9 teams
× (team route + 4 children: critical pager, prod warnings, a service regex with
``continue``, non-prod) + staging (muted), dev (active hours), batch jobs (``...``) and a
dead-man route = 50 routes under the root. Two inhibition rules: critical inhibits
warning on (alertname, cluster); ClusterDown inhibits warnings and infos in its cluster.
"""

from __future__ import annotations

import random

TEAMS = 9
WEBHOOK = "http://127.0.0.1:9"  # the engine never sends; the Alertmanager run rewrites it


def _team_routes(team: int, pager_wait: str) -> dict:
    name = f"team-{team}"
    return {
        "matchers": [f'team="t{team}"'],
        "receiver": name,
        "group_by": ["alertname", "cluster"],
        "routes": [
            {
                "matchers": ['severity="critical"'],
                "receiver": f"{name}-pager",
                "group_wait": pager_wait,
            },
            {"matchers": ['{severity="warning", env="prod"}'], "receiver": f"{name}-tickets"},
            {
                "matchers": ['service=~"svc-(1|2|3)[0-9]*"'],
                "receiver": f"{name}-svc",
                "continue": True,
                "group_by": ["alertname", "service"],
            },
            {"matchers": ['env!="prod"'], "receiver": f"{name}-nonprod", "group_by": ["env"]},
        ],
    }


def config(group_wait: str = "30s", pager_wait: str = "10s", webhook: str = WEBHOOK) -> dict:
    routes = [
        {
            "matchers": ['region=~"eu-.*"', 'severity="critical"'],
            "receiver": "eu-oncall",
            "continue": True,
            "group_by": ["alertname", "region"],
        },
        *[_team_routes(t, pager_wait) for t in range(TEAMS)],
        {"match": {"env": "staging"}, "receiver": "staging", "mute_time_intervals": ["nights"]},
        {"match_re": {"env": "dev"}, "receiver": "dev", "active_time_intervals": ["office"]},
        {"matchers": ['service=~"batch-.*"'], "receiver": "batch", "group_by": ["..."]},
        {"matchers": ['alertname="DeadMansSwitch"'], "receiver": "deadman"},
    ]
    names = ["default", "eu-oncall", "staging", "dev", "batch", "deadman"]
    for t in range(TEAMS):
        names += [f"team-{t}{s}" for s in ("", "-pager", "-tickets", "-svc", "-nonprod")]
    return {
        "route": {
            "receiver": "default",
            "group_by": ["alertname"],
            "group_wait": group_wait,
            "group_interval": "1m",
            "repeat_interval": "4h",
            "routes": routes,
        },
        "receivers": [{"name": n, "webhook_configs": [{"url": f"{webhook}/{n}"}]} for n in names],
        "inhibit_rules": [
            {
                "source_matchers": ['severity="critical"'],
                "target_matchers": ['severity="warning"'],
                "equal": ["alertname", "cluster"],
            },
            {
                "source_matchers": ['alertname="ClusterDown"'],
                "target_matchers": ['severity=~"warning|info"'],
                "equal": ["cluster"],
            },
        ],
        "time_intervals": [
            {
                "name": "nights",
                "time_intervals": [{"times": [{"start_time": "00:00", "end_time": "06:00"}]}],
            },
            {"name": "office", "time_intervals": [{"weekdays": ["monday:friday"]}]},
        ],
    }


def route_count(route: dict) -> int:
    return sum(1 + route_count(child) for child in route.get("routes", []))


def alert_labels(count: int, seed: int = 7) -> list[dict[str, str]]:
    rng = random.Random(seed)
    labels = [_labels(rng, i) for i in range(count - 3)]
    labels += [
        {"alertname": "ClusterDown", "cluster": f"c{c:02d}", "severity": "critical"}
        for c in range(3)
    ]
    return labels


def _labels(rng: random.Random, i: int) -> dict[str, str]:
    team = rng.randrange(TEAMS + 1)
    labels = {
        "alertname": f"Alert{rng.randrange(50):02d}",
        "cluster": f"c{rng.randrange(20):02d}",
        "instance": f"host-{i:05d}:9100",
        "job": rng.choice(["node", "api", "db", "queue"]),
        "severity": rng.choices(["critical", "warning", "info"], [1, 6, 3])[0],
        "service": rng.choice([f"svc-{s}" for s in range(40)] + ["batch-etl", "batch-report"]),
        "env": rng.choices(["prod", "staging", "dev"], [7, 2, 1])[0],
        "region": rng.choice(["eu-1", "eu-2", "us-1"]),
    }
    if team < TEAMS:  # ~10% belong to no team and fall back to the root
        labels["team"] = f"t{team}"
    return labels
