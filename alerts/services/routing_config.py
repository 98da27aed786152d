"""Notification routing rows <-> ``alertmanager.yml`` data <-> the engine's ``Config``.

``config_data()`` writes the rows out as an ``alertmanager.yml`` (what ``export_config``
prints); ``current_config()`` gives the engine's configuration of it (cached by content);
``config_import(data)`` replaces the rows with a file's configuration, validated by the
engine first, and returns the diff (nothing is written with ``dry_run``).
"""

from __future__ import annotations

import difflib
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

import yaml
from django.db import transaction

from alerts.models import InhibitionRule, NotificationPolicy, Receiver, TimeInterval
from alerts.models.routing import RULE_CHANNELS
from alerts.routing import Config, ConfigError, load_config

TIMERS = ("group_wait", "group_interval", "repeat_interval")
DEFAULT_ROUTE = {"receiver": RULE_CHANNELS, "group_by": ["alertname"]}
_cache: dict[str, Config] = {}


def config_data() -> dict:
    """The routing rows as ``alertmanager.yml`` data (the root policy is ``route``)."""
    policies = list(NotificationPolicy.objects.select_related("receiver"))
    children: dict[int | None, list[NotificationPolicy]] = defaultdict(list)
    for policy in policies:
        children[policy.parent_id].append(policy)
    roots = children[None]
    data: dict = {"route": DEFAULT_ROUTE}  # no policies at all: every rule's own channels
    if roots:
        data["route"] = _route(roots[0], children)
    data["receivers"] = [r.as_data() for r in Receiver.objects.order_by("name")]
    if not roots and RULE_CHANNELS not in {r["name"] for r in data["receivers"]}:
        data["receivers"].append({"name": RULE_CHANNELS})
    if rules := [r.as_data() for r in InhibitionRule.objects.all()]:
        data["inhibit_rules"] = rules
    if intervals := [t.as_data() for t in TimeInterval.objects.order_by("name")]:
        data["time_intervals"] = intervals
    return data


def root_policy() -> NotificationPolicy:
    """The root policy, created as the migration does when there is none."""
    root = NotificationPolicy.objects.filter(parent__isnull=True).first()
    if root is None:
        receiver, _ = Receiver.objects.get_or_create(name=RULE_CHANNELS)
        root = NotificationPolicy.objects.create(
            name="root", receiver=receiver, group_by=["alertname"]
        )
    return root


def _route(policy: NotificationPolicy, children: Mapping) -> dict:
    data: dict = {}
    if policy.receiver is not None:
        data["receiver"] = policy.receiver.name
    if policy.matchers:
        data["matchers"] = list(policy.matchers)
    if policy.group_by is not None:
        data["group_by"] = list(policy.group_by)
    for timer in TIMERS:
        if value := getattr(policy, timer):
            data[timer] = value
    if policy.continue_matching:
        data["continue"] = True
    for field in ("mute_time_intervals", "active_time_intervals"):
        if names := getattr(policy, field):
            data[field] = list(names)
    kids = sorted(children.get(policy.pk, []), key=lambda p: (p.position, p.pk))
    if kids:
        data["routes"] = [_route(kid, children) for kid in kids]
    return data


def config_hash(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


@dataclass
class Current:
    config: Config
    hash: str
    data: dict


def current_config() -> Current:
    """The engine's configuration of the rows; ``ConfigError`` if they don't make one."""
    data = config_data()
    digest = config_hash(data)
    if digest not in _cache:
        _cache.clear()
        _cache[digest] = load_config(data)
    return Current(_cache[digest], digest, data)


# -- import ------------------------------------------------------------------------------


def normalized(data: Mapping) -> dict:
    """A file's configuration in the rows' vocabulary: ``match``/``match_re`` become
    matchers (``match_re`` anchored as Alertmanager keys it), ``mute_time_intervals``
    join ``time_intervals``, and the slack ``api_url`` comes from ``global`` if needed."""
    global_ = data.get("global") or {}
    out: dict = {"route": _normal_route(data.get("route") or {})}
    out["receivers"] = [_normal_receiver(r, global_) for r in data.get("receivers") or []]
    rules = [_normal_inhibit(r) for r in data.get("inhibit_rules") or []]
    if rules:
        out["inhibit_rules"] = rules
    intervals = [*(data.get("mute_time_intervals") or []), *(data.get("time_intervals") or [])]
    if intervals:
        out["time_intervals"] = sorted(intervals, key=lambda t: str(t.get("name")))
    out["receivers"].sort(key=lambda r: str(r.get("name")))
    return out


def quote(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _legacy(match: object, match_re: object) -> list[str]:
    """``match``/``match_re`` maps (already validated by ``load_config``) as matchers."""
    plain = match if isinstance(match, Mapping) else {}
    regex = match_re if isinstance(match_re, Mapping) else {}
    found = [f"{k}={quote(str(v))}" for k, v in plain.items()]
    found += [f"{k}=~{quote(f'^(?:{v})$')}" for k, v in regex.items()]
    return found


def _normal_route(route: Mapping) -> dict:
    """The same shape ``config_data`` writes, so an unchanged file diffs empty."""
    out: dict = {}
    if route.get("receiver"):
        out["receiver"] = str(route["receiver"])
    matchers = [*_legacy(route.get("match"), route.get("match_re")), *(route.get("matchers") or [])]
    if matchers:
        out["matchers"] = matchers
    if route.get("group_by") is not None:
        out["group_by"] = [str(n) for n in route["group_by"]]
    for timer in TIMERS:
        if route.get(timer):
            out[timer] = str(route[timer])
    if route.get("continue"):
        out["continue"] = True
    for field in ("mute_time_intervals", "active_time_intervals"):
        if route.get(field):
            out[field] = [str(n) for n in route[field]]
    if route.get("routes"):
        out["routes"] = [_normal_route(r) for r in route["routes"]]
    return out


def _normal_inhibit(rule: Mapping) -> dict:
    out: dict = {}
    for side in ("source", "target"):
        legacy = _legacy(rule.get(f"{side}_match"), rule.get(f"{side}_match_re"))
        out[f"{side}_matchers"] = [*legacy, *(rule.get(f"{side}_matchers") or [])]
    if rule.get("equal"):
        out["equal"] = list(rule["equal"])
    return out


def _normal_receiver(receiver: Mapping, global_: Mapping) -> dict:
    out = dict(receiver)
    url = global_.get("slack_api_url")
    if url and out.get("slack_configs"):
        out["slack_configs"] = [{"api_url": url, **c} for c in out["slack_configs"]]
    return out


def config_diff(old: dict, new: dict) -> list[str]:
    """A unified diff of two configurations as YAML (empty: the same)."""
    dump = lambda d: yaml.safe_dump(d, sort_keys=True, allow_unicode=True).splitlines()  # noqa: E731
    return list(difflib.unified_diff(dump(old), dump(new), "current", "new", lineterm=""))


def config_import(data: object, *, source: str = "", dry_run: bool = False) -> list[str]:
    """Replace the routing rows with ``data`` (an ``alertmanager.yml``'s content).

    Raises ``ConfigError`` (nothing written) when the engine refuses the configuration.
    Rows are marked provisioned from ``source`` when one is given."""
    if not isinstance(data, Mapping):
        raise ConfigError("the configuration must be a map")
    load_config(data)  # Alertmanager's own validation, with its messages
    new = normalized(data)
    load_config(new)
    diff = config_diff(config_data(), new)
    if diff and not dry_run:
        with transaction.atomic():
            _replace(new, source)
    return diff


def _replace(data: dict, source: str) -> None:
    mark = {"provisioned": bool(source), "source": source}
    NotificationPolicy.objects.all().delete()
    InhibitionRule.objects.all().delete()
    receivers = {}
    for item in data["receivers"]:
        config = {k: v for k, v in item.items() if k != "name"}
        receivers[item["name"]], _ = Receiver.objects.update_or_create(
            name=item["name"], defaults={"config": config, **mark}
        )
    Receiver.objects.exclude(name__in=receivers).delete()
    names = [t["name"] for t in data.get("time_intervals", [])]
    for item in data.get("time_intervals", []):
        TimeInterval.objects.update_or_create(
            name=item["name"], defaults={"intervals": item.get("time_intervals") or [], **mark}
        )
    TimeInterval.objects.exclude(name__in=names).delete()
    for i, rule in enumerate(data.get("inhibit_rules", [])):
        InhibitionRule.objects.create(
            source_matchers=rule["source_matchers"], target_matchers=rule["target_matchers"],
            equal=rule.get("equal", []), position=i, **mark,
        )  # fmt: skip
    _create_policy(data["route"], None, 0, receivers, mark)


def _create_policy(route: dict, parent, position: int, receivers: dict, mark: dict) -> None:
    policy = NotificationPolicy.objects.create(
        parent=parent,
        position=position,
        matchers=route.get("matchers", []),
        receiver=receivers.get(route.get("receiver")),
        group_by=route.get("group_by"),
        continue_matching=bool(route.get("continue")),
        mute_time_intervals=route.get("mute_time_intervals", []),
        active_time_intervals=route.get("active_time_intervals", []),
        **{t: str(route.get(t) or "") for t in TIMERS},
        **mark,
    )
    for i, child in enumerate(route.get("routes", [])):
        _create_policy(child, policy, i, receivers, mark)
