"""Team roles, the way Grafana users know them: three Django groups and their permissions.

* **viewer** reads every page and API and changes nothing;
* **editor** also writes the team's things: alert rules, silences, acknowledgements,
  anomaly feedback, saved dashboards, forecast settings and runs, scenarios, load-test runs
  and training, and metrics ingestion;
* **admin** may do everything: users and roles, everyone's API tokens, notification
  channels, system settings (the Django admin).

The groups hold ordinary Django permissions (model ``add``/``change``/``delete``/``view``
plus a few custom ones declared in the models' ``Meta.permissions`` for actions that are not
a model write, like ``alerts.acknowledge_alert``). Views check them with ``has_perm``: there
is no other permission system. ``roles_sync`` (after every ``migrate`` and test-database
flush) makes each group hold exactly the permissions listed here; a superuser has them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps as global_apps
from django.db import DEFAULT_DB_ALIAS

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

VIEWER, EDITOR, ADMIN = "viewer", "editor", "admin"
ROLES = (VIEWER, EDITOR, ADMIN)  # lowest first
HYDRA_APPS = ("core", "metrics", "alerts", "forecasting", "scenarios", "prom", "dashboards")
EVERY_PERMISSION = "*"

VIEWER_PERMISSIONS = (
    "metrics.view_series",
    "metrics.view_point",
    "metrics.view_stalemark",
    "alerts.view_alertrule",
    "alerts.view_recordingrule",
    "alerts.view_alert",
    "alerts.view_alertevent",
    "alerts.view_silence",
    "alerts.view_anomaly",
    "alerts.view_detectorstate",
    "alerts.view_notificationpolicy",  # routing is explained on alert pages
    "alerts.view_inhibitionrule",
    "alerts.view_timeinterval",
    "alerts.view_routingdecision",
    "alerts.view_receivedalert",
    "forecasting.view_forecastconfig",
    "forecasting.view_forecast",
    "forecasting.view_forecastpoint",
    "scenarios.view_scenario",
    "scenarios.view_scenariorun",
    "scenarios.view_trainingsession",
    "dashboards.view_dashboard",
    "prom.view_scrapetarget",  # targets and their state; only admins add or change them
)
EDITOR_PERMISSIONS = (
    *VIEWER_PERMISSIONS,
    "metrics.add_point",  # ingestion (JSON, line protocol)
    "alerts.add_alertrule",
    "alerts.change_alertrule",
    "alerts.delete_alertrule",
    "alerts.add_recordingrule",
    "alerts.change_recordingrule",
    "alerts.delete_recordingrule",
    "alerts.acknowledge_alert",
    "alerts.add_silence",
    "alerts.change_silence",
    "alerts.delete_silence",
    "alerts.change_anomaly",  # "not an anomaly" feedback
    "alerts.add_receivedalert",  # POST /api/v2/alerts (a Prometheus server's token)
    "forecasting.add_forecastconfig",
    "forecasting.change_forecastconfig",
    "forecasting.delete_forecastconfig",
    "forecasting.run_forecast",
    "scenarios.add_scenario",
    "scenarios.change_scenario",
    "scenarios.delete_scenario",
    "scenarios.run_scenario",
    "scenarios.run_training",
    "dashboards.add_dashboard",  # their own; others' need dashboards.change_any_dashboard
    "dashboards.change_dashboard",
    "dashboards.delete_dashboard",
)
PERMISSIONS: dict[str, tuple[str, ...]] = {
    VIEWER: VIEWER_PERMISSIONS,
    EDITOR: EDITOR_PERMISSIONS,
    ADMIN: (EVERY_PERMISSION,),
}
# Hydra models whose rows only admins read (a test makes every new model pick a side)
ADMIN_ONLY_MODELS = (
    "core.apitoken",  # everyone manages their own tokens through the API, admins all of them
    "alerts.notificationchannel",  # webhook URLs, secrets, addresses
    "alerts.notification",
    "alerts.notificationattempt",
    "alerts.receiver",  # integration URLs, keys, secrets
    "alerts.dispatcherstate",  # the dispatcher's internals
    "metrics.rollup1m",  # storage internals
    "metrics.rollup1h",
    "metrics.rolluppending",
    "axes.accessattempt",  # login throttling (django-axes): addresses and usernames tried
    "axes.accessfailurelog",
    "axes.accesslog",
    "metrics.chunk",  # the compressed tier (read through the query API)
    "metrics.retentionpolicy",
)


def role_of(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """The user's role: the highest role group they are in ("admin" for a superuser);
    None for the anonymous and for a user in no role group (who may read nothing)."""
    if user is None or not user.is_authenticated or not user.is_active or user.pk is None:
        return None
    if getattr(user, "is_superuser", False):
        return ADMIN
    if "_hydra_role" not in user.__dict__:  # once per user object (a request's)
        groups = user.groups.filter(name__in=ROLES)  # type: ignore[union-attr,attr-defined]
        names = set(groups.values_list("name", flat=True))
        user.__dict__["_hydra_role"] = next((r for r in reversed(ROLES) if r in names), None)
    return user.__dict__["_hydra_role"]


def _permission_rows(names: tuple[str, ...], permission_model):
    """The Permission rows for ``app_label.codename`` names (all of them for ``*``)."""
    rows = permission_model.objects.all()
    if EVERY_PERMISSION in names:
        return rows
    by_name = {
        f"{r.content_type.app_label}.{r.codename}": r for r in rows.select_related("content_type")
    }
    return [by_name[n] for n in names if n in by_name]


def roles_sync(*, apps=global_apps, using: str = DEFAULT_DB_ALIAS) -> None:
    """Create the three groups and give each exactly its permissions (those that exist:
    a database migrated part-way lacks some until it is migrated to the end)."""
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role, names in PERMISSIONS.items():
        group, _ = group_model.objects.using(using).get_or_create(name=role)
        group.permissions.set(_permission_rows(names, permission_model))


def sync_after_migrate(sender, *, apps=global_apps, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    """``post_migrate`` receiver (``CoreConfig.ready``): every app's permissions are created
    first (Django does it per app, in app order, and core comes early), then the groups are
    brought in line."""
    if sender.name != "core":
        return  # once per migrate (the signal is sent for each app)
    from django.contrib.auth.management import create_permissions

    for config in global_apps.get_app_configs():  # apps after core have not had theirs yet
        create_permissions(config, verbosity=0, using=using, apps=apps)
    roles_sync(apps=apps, using=using)


def lowest_role_with(permission: str) -> str:
    """The lowest role granted ``permission`` (for messages: "ask an admin for ...")."""
    return next((r for r in ROLES if permission in PERMISSIONS[r]), ADMIN)


def refusal(user, permissions: list[str]) -> str:
    """Why ``user`` may not do something needing ``permissions``: the 403 message of the
    pages and the API."""
    role = role_of(user)
    needed = max((lowest_role_with(p) for p in permissions), key=ROLES.index, default=ADMIN)
    who = f"Your role ({role})" if role else "Your account has no role yet, so it"
    return f"{who} may not do this: it needs the {needed} role ({', '.join(permissions)})."
