"""An ``alertmanager.yml`` as objects: ``load_config(yaml.safe_load(text))``.

Validation follows Alertmanager 0.25 (same rules, messages that name the place):
unknown receivers or time intervals, bad durations, bad regexes, a root route with
matchers, ``continue`` or time intervals. Receivers keep their integration configs as
plain dicts for the code that sends (Hydra's notifiers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import yaml

from alerts.routing.durations import parse_duration
from alerts.routing.labels import is_label_name
from alerts.routing.matchers import MatcherError, Matchers, legacy_matchers, matcher_list
from alerts.routing.routes import Route, RouteError, build_route
from alerts.routing.timeintervals import TimeInterval, TimeIntervalError, parse_named_intervals

TOP_FIELDS = {"global", "route", "receivers", "inhibit_rules", "templates", "time_intervals",
              "mute_time_intervals"}  # fmt: skip
INHIBIT_FIELDS = {"source_match", "source_match_re", "source_matchers", "target_match",
                  "target_match_re", "target_matchers", "equal"}  # fmt: skip
# integration kind -> send_resolved default (Alertmanager's defaults)
SEND_RESOLVED = {
    "email": False, "pagerduty": True, "pushover": True, "slack": False, "opsgenie": True,
    "webhook": True, "victorops": True, "wechat": False, "sns": True, "telegram": True,
    "discord": True, "webex": True, "msteams": True,
    "hydra": True,  # Hydra's signed webhook (url, secret): not in Alertmanager
}  # fmt: skip
# integration kind -> alternatives of which one must be set (here or in `global`)
REQUIRED = {
    "webhook": (("url", "url_file"), ()),
    "hydra": (("url",), ()),
    "email": (("to",), ()),
    "slack": (("api_url", "api_url_file"), ("slack_api_url", "slack_api_url_file")),
    "pagerduty": (("routing_key", "service_key", "routing_key_file", "service_key_file"), ()),
}
DEFAULT_RESOLVE_TIMEOUT = timedelta(minutes=5)


class ConfigError(ValueError):
    """The configuration is invalid; the message says where and why."""


@dataclass(frozen=True)
class Integration:
    """One ``<kind>_configs`` entry of a receiver: ``webhook`` #0 with its config dict."""

    kind: str
    index: int
    config: Mapping[str, Any]
    send_resolved: bool


@dataclass(frozen=True)
class Receiver:
    name: str
    integrations: tuple[Integration, ...]
    config: Mapping[str, Any]  # the receiver's map as written


@dataclass(frozen=True)
class InhibitRule:
    source: Matchers
    target: Matchers
    equal: tuple[str, ...]


@dataclass
class Config:
    route: Route
    receivers: dict[str, Receiver]
    inhibit_rules: list[InhibitRule] = field(default_factory=list)
    time_intervals: dict[str, list[TimeInterval]] = field(default_factory=dict)
    resolve_timeout: timedelta = DEFAULT_RESOLVE_TIMEOUT
    global_: Mapping[str, Any] = field(default_factory=dict)
    templates: list[str] = field(default_factory=list)


class _Loader(yaml.SafeLoader):
    """YAML as Alertmanager's Go parser reads it: no YAML 1.1 base-60 numbers, so an
    unquoted ``end_time: 17:00`` stays the text "17:00" (PyYAML would make it 1020)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if ":[0-5]?[0-9])+" not in regexp.pattern]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:int", r"^[-+]?(?:0b[0-1_]+|0[0-7_]+|(?:0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+)$",
     "-+0123456789"),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
     r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$", "-+0123456789."),
):  # fmt: skip
    _Loader.add_implicit_resolver(_tag, re.compile(_pattern), list(_first))


def parse_yaml(text: str) -> object:
    """An ``alertmanager.yml``'s text as data, read as Alertmanager reads YAML."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as exc:
        raise ConfigError(f"not valid YAML: {exc}") from None


def load_config_yaml(text: str) -> Config:
    """The configuration from the text of an ``alertmanager.yml``."""
    return load_config(parse_yaml(text))


def load_config(data: object) -> Config:
    """The configuration from an ``alertmanager.yml`` already parsed into dicts."""
    if not isinstance(data, Mapping):
        raise ConfigError("the configuration must be a map")
    if unknown := set(data) - TOP_FIELDS:
        raise ConfigError(f"unknown top-level field(s) {', '.join(sorted(map(str, unknown)))}")
    global_ = data.get("global") or {}
    receivers = _receivers(data.get("receivers"), global_)
    intervals = _intervals(data)
    try:
        route = build_route(data.get("route"))
    except RouteError as exc:
        raise ConfigError(str(exc)) from None
    _check_root(route)
    _check_references(route, receivers, intervals)
    return Config(
        route=route,
        receivers=receivers,
        inhibit_rules=_inhibit_rules(data.get("inhibit_rules")),
        time_intervals=intervals,
        resolve_timeout=_resolve_timeout(global_),
        global_=global_,
        templates=list(data.get("templates") or []),
    )


def _resolve_timeout(global_: Mapping) -> timedelta:
    if global_.get("resolve_timeout") is None:
        return DEFAULT_RESOLVE_TIMEOUT
    try:
        return parse_duration(global_["resolve_timeout"])
    except ValueError as exc:
        raise ConfigError(f"global.resolve_timeout: {exc}") from None


def _intervals(data: Mapping) -> dict[str, list[TimeInterval]]:
    merged: dict[str, list[TimeInterval]] = {}
    for key in ("mute_time_intervals", "time_intervals"):
        try:
            named = parse_named_intervals(data.get(key), key)
        except TimeIntervalError as exc:
            raise ConfigError(f"{key}: {exc}") from None
        for name, intervals in named.items():
            if name in merged:
                raise ConfigError(f"{key}: time interval {name!r} is not unique")
            merged[name] = intervals
    return merged


def _check_root(route: Route) -> None:
    if not route.receiver:
        raise ConfigError("route: the root route must specify a default receiver")
    if route.matchers:
        raise ConfigError("route: the root route must not have any matchers")
    if route.continue_:
        raise ConfigError("route: cannot have continue in the root route")
    if route.mute_time_intervals or route.active_time_intervals:
        raise ConfigError("route: the root route must not have any mute or active time intervals")


def _check_references(root: Route, receivers: Mapping, intervals: Mapping) -> None:
    for route in root.walk():
        if route.receiver not in receivers:
            raise ConfigError(f"{route.path}: undefined receiver {route.receiver!r} used in route")
        for name in (*route.mute_time_intervals, *route.active_time_intervals):
            if name not in intervals:
                raise ConfigError(f"{route.path}: undefined time interval {name!r} used in route")


def _receivers(items: object, global_: Mapping) -> dict[str, Receiver]:
    if not isinstance(items, list):
        raise ConfigError("receivers must be a list of {name, <kind>_configs}")
    receivers: dict[str, Receiver] = {}
    for i, item in enumerate(items):
        if not isinstance(item, Mapping) or not item.get("name"):
            raise ConfigError(f"receivers[{i}]: missing name in receiver")
        name = str(item["name"])
        if name in receivers:
            raise ConfigError(f"receivers[{i}]: notification config name {name!r} is not unique")
        receivers[name] = Receiver(name, _integrations(item, name, global_), dict(item))
    return receivers


def _integrations(item: Mapping, name: str, global_: Mapping) -> tuple[Integration, ...]:
    found = []
    for key, configs in item.items():
        if key == "name":
            continue
        kind = str(key).removesuffix("_configs")
        if not str(key).endswith("_configs") or kind not in SEND_RESOLVED:
            raise ConfigError(f"receiver {name!r}: unknown field {key!r}")
        for index, conf in enumerate(configs or []):
            where = f"receiver {name!r}: {key}[{index}]"
            found.append(_integration(kind, index, conf, global_, where))
    return tuple(found)


def _integration(kind: str, index: int, conf: object, global_: Mapping, where: str) -> Integration:
    if not isinstance(conf, Mapping):
        raise ConfigError(f"{where} must be a map")
    own, from_global = REQUIRED.get(kind, ((), ()))
    if own and not any(conf.get(k) for k in own) and not any(global_.get(k) for k in from_global):
        raise ConfigError(f"{where}: one of {', '.join(own)} must be set")
    send_resolved = conf.get("send_resolved", SEND_RESOLVED[kind])
    return Integration(kind, index, dict(conf), bool(send_resolved))


def _inhibit_rules(items: object) -> list[InhibitRule]:
    if items is None:
        return []
    if not isinstance(items, list):
        raise ConfigError("inhibit_rules must be a list")
    return [_inhibit_rule(item, f"inhibit_rules[{i}]") for i, item in enumerate(items)]


def _inhibit_rule(item: object, where: str) -> InhibitRule:
    if not isinstance(item, Mapping):
        raise ConfigError(f"{where} must be a map")
    if unknown := set(item) - INHIBIT_FIELDS:
        raise ConfigError(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    equal = [str(n) for n in item.get("equal") or []]
    if bad := [n for n in equal if not is_label_name(n)]:
        raise ConfigError(f"{where}: invalid label name {bad[0]!r} in equal")
    try:
        source = _side(item, "source")
        target = _side(item, "target")
    except MatcherError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return InhibitRule(source, target, tuple(equal))


def _side(item: Mapping, side: str) -> Matchers:
    legacy = legacy_matchers(item.get(f"{side}_match"), item.get(f"{side}_match_re"))
    return Matchers([*legacy, *matcher_list(item.get(f"{side}_matchers"), f"{side}_matchers")])
