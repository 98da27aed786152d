"""The routing tree: routes built from an ``alertmanager.yml`` ``route`` and its walk.

``Route.match(labels)`` is Alertmanager's ``Route.Match``: depth-first, left to right; a
route whose matchers accept the labels tries its children in order and stops at the first
child that matched unless that child has ``continue: true``; when no child matched, the
route itself is the match. Children inherit ``receiver``, ``group_by``, the three timers
from their parent, but not ``mute_time_intervals`` / ``active_time_intervals``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property

from alerts.routing.durations import parse_duration
from alerts.routing.labels import LabelSet, is_label_name
from alerts.routing.matchers import MatcherError, Matchers, legacy_matchers, matcher_list

ROUTE_FIELDS = {
    "receiver", "group_by", "group_wait", "group_interval", "repeat_interval", "matchers",
    "match", "match_re", "continue", "mute_time_intervals", "active_time_intervals", "routes",
}  # fmt: skip
DEFAULTS = {
    "group_wait": timedelta(seconds=30),
    "group_interval": timedelta(minutes=5),
    "repeat_interval": timedelta(hours=4),
}


class RouteError(ValueError):
    """A route Alertmanager would reject; the message names the route's path."""


@dataclass(eq=False)
class Route:
    """One node of the tree with its effective (inherited) settings."""

    receiver: str
    group_by: frozenset[str]
    group_by_all: bool
    group_wait: timedelta
    group_interval: timedelta
    repeat_interval: timedelta
    matchers: Matchers
    continue_: bool = False
    mute_time_intervals: tuple[str, ...] = ()
    active_time_intervals: tuple[str, ...] = ()
    routes: list[Route] = field(default_factory=list)
    parent: Route | None = None
    path: str = "route"  # where it is in the file: route.routes[1].routes[0]
    index: int | None = None  # position among the parent's children

    def match(self, labels: LabelSet) -> list[Route]:
        """The routes an alert with ``labels`` goes to (empty when this one rejects it)."""
        if not self.matchers.matches(labels):
            return []
        found: list[Route] = []
        for child in self.routes:
            matched = child.match(labels)
            found.extend(matched)
            if matched and not child.continue_:
                break
        return found or [self]

    @cached_property
    def key(self) -> str:
        """``Route.Key()``: parent keys and this route's matchers, e.g. ``{}/{team="db"}``."""
        own = str(self.matchers)
        return own if self.parent is None else f"{self.parent.key}/{own}"

    @cached_property
    def id(self) -> str:
        """``Route.ID()``: the key plus the position among siblings (unique in the tree)."""
        return self.key if self.index is None else f"{self.key}/{self.index}"

    def group_labels(self, labels: LabelSet) -> dict[str, str]:
        """The alert's labels this route groups by (absent labels stay absent)."""
        if self.group_by_all:
            return dict(labels)
        return {k: v for k, v in labels.items() if k in self.group_by}

    def walk(self) -> Iterator[Route]:
        yield self
        for child in self.routes:
            yield from child.walk()


def build_route(
    data: object, parent: Route | None = None, path: str = "route", index=None
) -> Route:
    """A route (and its subtree) from its config map; RouteError names the bad field."""
    if not isinstance(data, Mapping):
        raise RouteError(f"{path}: a route must be a map")
    if unknown := set(data) - ROUTE_FIELDS:
        raise RouteError(f"{path}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
    try:
        route = _route(data, parent, path, index)
    except (ValueError, TypeError) as exc:
        raise RouteError(f"{path}: {exc}") from None
    children = data.get("routes") or []
    if not isinstance(children, list):
        raise RouteError(f"{path}.routes must be a list of routes")
    route.routes = [build_route(c, route, f"{path}.routes[{i}]", i) for i, c in enumerate(children)]
    return route


def _route(data: Mapping, parent: Route | None, path: str, index) -> Route:
    group_by, group_by_all = _group_by(data.get("group_by"), parent)
    return Route(
        receiver=str(data.get("receiver") or (parent.receiver if parent else "")),
        group_by=group_by,
        group_by_all=group_by_all,
        group_wait=_timer(data, "group_wait", parent),
        group_interval=_timer(data, "group_interval", parent, nonzero=True),
        repeat_interval=_timer(data, "repeat_interval", parent, nonzero=True),
        matchers=_matchers(data),
        continue_=bool(data.get("continue", False)),
        mute_time_intervals=_names(data.get("mute_time_intervals"), "mute_time_intervals"),
        active_time_intervals=_names(data.get("active_time_intervals"), "active_time_intervals"),
        parent=parent,
        path=path,
        index=index,
    )


def _group_by(value: object, parent: Route | None) -> tuple[frozenset[str], bool]:
    if not value:  # like Alertmanager, an empty list inherits too
        return (parent.group_by, parent.group_by_all) if parent else (frozenset(), False)
    if not isinstance(value, list):
        raise ValueError("group_by must be a list of label names")
    names = [str(v) for v in value]
    if "..." in names:
        if len(names) > 1:
            raise ValueError(
                "cannot have wildcard group_by (`...`) and other labels at the same time"
            )
        return frozenset(), True
    for name in names:
        if not is_label_name(name):
            raise ValueError(f"invalid label name {name!r} in group_by")
        if names.count(name) > 1:
            raise ValueError(f"duplicated label {name!r} in group_by")
    return frozenset(names), False


def _timer(data: Mapping, key: str, parent: Route | None, nonzero: bool = False) -> timedelta:
    if data.get(key) is None:
        return getattr(parent, key) if parent else DEFAULTS[key]
    try:
        value = parse_duration(data[key])
    except ValueError as exc:
        raise ValueError(f"{key}: {exc}") from None
    if nonzero and not value:
        raise ValueError(f"{key} cannot be zero")
    return value


def _matchers(data: Mapping) -> Matchers:
    try:
        legacy = legacy_matchers(data.get("match"), data.get("match_re"))
        return Matchers([*legacy, *matcher_list(data.get("matchers"), "matchers")])
    except MatcherError as exc:
        raise ValueError(str(exc)) from None


def _names(value: object, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError(f"{key} must be a list of time interval names")
    return tuple(str(v) for v in value)
