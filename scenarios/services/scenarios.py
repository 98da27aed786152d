"""Creating, editing and generating scenarios; the safety checks every write passes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as DjangoUser

from scenarios import conf
from scenarios.engine import (
    LimitExceeded,
    ScenarioSpec,
    SpecError,
    TargetNotAllowed,
    check_limits,
    check_target_allowed,
    generate_scenario,
)
from scenarios.models import Scenario

User = DjangoUser | AnonymousUser


class SafetyError(ValueError):
    """The scenario is invalid, targets a host outside the allow-list, or exceeds a cap."""

    def __init__(self, message: str, field: str = "spec") -> None:
        super().__init__(message)
        self.field = field


def check_target_safe(url: str, field: str = "target") -> None:
    """Refuse (``SafetyError`` on ``field``) a URL whose host is outside the allow-list or
    does not resolve."""
    try:
        check_target_allowed(url, conf.allowed_hosts())
    except TargetNotAllowed as exc:
        raise SafetyError(str(exc), field) from None
    except OSError as exc:  # DNS failure while checking a host name
        raise SafetyError(f"cannot resolve the target host: {exc}", field) from None


def check_spec_safe(spec: dict[str, Any], name: str = "scenario") -> ScenarioSpec:
    """Validate a spec dict against the engine, the caps and the allow-list."""
    try:
        parsed = ScenarioSpec.from_dict({**spec, "name": name})
        check_limits(parsed, conf.limits())
    except LimitExceeded as exc:
        raise SafetyError(str(exc), "limits") from None
    except (SpecError, ValueError, TypeError) as exc:
        raise SafetyError(str(exc)) from None
    for url in sorted({r.url for r in parsed.requests}):
        check_target_safe(url)
    return parsed


def owner_of(user: User | None) -> DjangoUser | None:
    """The signed-in user to record as creator (None for anonymous or system writes)."""
    return user if isinstance(user, DjangoUser) else None


def _stored(spec: ScenarioSpec) -> dict[str, Any]:
    data = spec.to_dict()
    data.pop("name", None)  # the scenario's name is the row's
    return data


def scenario_create(*, name: str, spec: dict[str, Any], user: User | None = None, **extra: Any):
    """Validate and store a scenario (``extra``: description, tags, monitored_host...)."""
    parsed = check_spec_safe(spec, name)
    return Scenario.objects.create(
        name=name, spec=_stored(parsed), created_by=owner_of(user), **extra
    )


def scenario_update(*, scenario: Scenario, **fields: Any) -> Scenario:
    """Change a scenario's fields; a new spec is validated like on create."""
    if "spec" in fields:
        fields["spec"] = _stored(check_spec_safe(fields["spec"], fields.get("name", scenario.name)))
    for key, value in fields.items():
        setattr(scenario, key, value)
    scenario.save()
    return scenario


def scenario_generate(
    *, difficulty: str, target_url: str, kind: str | None = None, user: User | None = None
) -> Scenario:
    """The "problem generator": a scenario whose load, shape and thresholds follow the
    difficulty, clamped to the caps and refused outside the allow-list."""
    check_target_safe(target_url, "target_url")
    try:
        spec = generate_scenario(kind, difficulty, target_url, limits=conf.limits())
    except ValueError as exc:
        field = "difficulty" if str(exc).startswith("difficulty") else "type"
        raise SafetyError(str(exc), field) from None
    kind = spec.name.split("-")[0]
    return scenario_create(
        name=spec.name,
        spec=spec.to_dict(),
        user=user,
        kind=kind,
        difficulty=difficulty,
        generated=True,
        tags=["generated", kind, difficulty],
        description=f"Generated {kind} scenario at {difficulty} difficulty.",
    )
