"""Why an alert went where it went: the route walk with a reason at every step.

``explain_routing(root, labels)`` repeats ``Route.match`` and records each route it looked
at (or skipped), so Hydra's alert page can show "tried route.routes[0] (team="db"):
matched; its children: ..., stopped: no continue". The result's ``routes`` is always
exactly what ``Route.match`` returns.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from alerts.routing.labels import LabelSet
from alerts.routing.routes import Route

MATCHED, REJECTED, SKIPPED = "matched", "rejected", "skipped"


@dataclass
class RouteStep:
    path: str  # route.routes[0].routes[1]
    depth: int
    matchers: str  # {team="db"}
    receiver: str
    outcome: str  # matched | rejected | skipped
    reason: str
    selected: bool = False  # the alert is grouped on this route


@dataclass
class RoutingExplanation:
    steps: list[RouteStep] = field(default_factory=list)
    routes: list[Route] = field(default_factory=list)

    @property
    def receivers(self) -> list[str]:
        return [r.receiver for r in self.routes]

    def to_dict(self) -> dict:
        """JSON-friendly, for storing next to the alert."""
        return {
            "steps": [asdict(s) for s in self.steps],
            "routes": [{"path": r.path, "id": r.id, "receiver": r.receiver} for r in self.routes],
        }


def explain_routing(root: Route, labels: LabelSet) -> RoutingExplanation:
    explanation = RoutingExplanation()
    explanation.routes = _visit(root, labels, 0, explanation.steps)
    return explanation


def _visit(route: Route, labels: LabelSet, depth: int, steps: list[RouteStep]) -> list[Route]:
    failed = route.matchers.first_failure(labels)
    step = _step(route, depth, MATCHED if failed is None else REJECTED, _why(route, failed, labels))
    steps.append(step)
    if failed is not None:
        return []
    found: list[Route] = []
    for i, child in enumerate(route.routes):
        matched = _visit(child, labels, depth + 1, steps)
        found.extend(matched)
        if matched and not child.continue_:
            _skip(route.routes[i + 1 :], depth + 1, child, steps)
            break
    if not found:
        step.selected = True
        step.reason += "; no child route matched, so the alert stays here" if route.routes else ""
        return [route]
    return found


def _why(route: Route, failed, labels: LabelSet) -> str:
    if failed is None:
        return "all matchers match" if route.matchers else "no matchers: matches every alert"
    actual = labels.get(failed.name)
    shown = "absent (matches as empty)" if actual is None else f'"{actual}"'
    return f"{failed} does not match: {failed.name} is {shown}"


def _step(route: Route, depth: int, outcome: str, reason: str) -> RouteStep:
    return RouteStep(route.path, depth, str(route.matchers), route.receiver, outcome, reason)


def _skip(siblings: list[Route], depth: int, stopper: Route, steps: list[RouteStep]) -> None:
    for sibling in siblings:
        reason = f"not tried: {stopper.path} matched and has no continue"
        steps.append(_step(sibling, depth, SKIPPED, reason))
