"""Configuration as code: ``manage.py provision DIR`` and ``manage.py export_config DIR``.

Lives in the top app because it spans them all. The directory::

    DIR/alertmanager.yml        notification policies, receivers, inhibition, time intervals
    DIR/rules/*.yml             alert rules: Hydra's ``rules:`` or Prometheus ``groups:``
    DIR/silences/*.yml          ``silences:`` (keyed by comment)
    DIR/dashboards/*.json       one saved dashboard per file (keyed by title)
    DIR/scrape_targets/*.yml    Prometheus ``scrape_configs:`` (as ``import_scrape_config``)

Files may be YAML or JSON. Everything is applied in one transaction (rolled back on any
error, or with ``dry_run``); the result lists every change and what was skipped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework import serializers

from alerts.models import AlertRule, Silence
from alerts.routing import ConfigError
from alerts.routing.config import parse_yaml
from alerts.services.provisioning import (
    ProvisionError,
    rule_export,
    rules_provision,
    silence_export,
    silences_provision,
)
from alerts.services.routing_config import config_data, config_import
from dashboards.definition import validate_definition
from dashboards.models import Dashboard
from dashboards.services import dashboard_export
from prom.scrape_config import config as scrape_config
from prom.services import scrape_targets_import

SUFFIXES = (".yml", ".yaml", ".json")


class _Rollback(Exception):
    pass


@dataclass
class ProvisionResult:
    lines: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def _files(directory: Path) -> list[tuple[str, object]]:
    out = []
    for path in sorted(p for p in directory.glob("*") if p.suffix in SUFFIXES):
        try:
            out.append((str(path), yaml.safe_load(path.read_text())))
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ProvisionError(f"{path}: cannot read: {exc}") from None
    return out


def provision(directory: Path, *, dry_run: bool = False, owner: str = "") -> ProvisionResult:
    if not directory.is_dir():
        raise ProvisionError(f"{directory} is not a directory")
    result = ProvisionResult()
    try:
        with transaction.atomic():
            _provision(directory, owner, result)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


def _provision(directory: Path, owner: str, result: ProvisionResult) -> None:
    am = directory / "alertmanager.yml"
    if am.exists():
        try:
            diff = config_import(parse_yaml(am.read_text()), source=str(am))
        except ConfigError as exc:
            raise ProvisionError(f"{am}: {exc}") from None
        if diff:
            result.lines.append(f"~ notification policies from {am}:")
            result.lines += [f"    {line}" for line in diff]
    if (directory / "rules").is_dir():
        rules_provision(_files(directory / "rules"), result.lines, result.skipped)
    if (directory / "silences").is_dir():
        silences_provision(_files(directory / "silences"), result.lines)
    if (directory / "scrape_targets").is_dir():
        scrape_targets_provision(_files(directory / "scrape_targets"), result.lines)
    if (directory / "dashboards").is_dir():
        dashboards_provision(_files(directory / "dashboards"), owner, result.lines)


def scrape_targets_provision(files: list[tuple[str, object]], lines: list[str]) -> None:
    """Each file's ``scrape_configs`` (Prometheus's format) as scrape targets of that file:
    created, updated, and the file's earlier targets it no longer lists removed."""
    for source, data in files:
        try:
            imported = scrape_config.read(data or {}, Path(source).parent)
        except scrape_config.ConfigError as exc:
            raise ProvisionError(f"{source}: {exc}") from None
        counts = scrape_targets_import(
            specs=imported.targets, source=f"file:{source}"[:300], prune=True
        )
        if counts.errors:
            raise ProvisionError(f"{source}: " + "; ".join(counts.errors))
        if counts.created or counts.updated or counts.removed:
            lines.append(
                f"~ scrape targets from {source}: {counts.created} new, "
                f"{counts.updated} changed, {counts.removed} removed"
            )


def _owner(username: str):
    users = get_user_model().objects
    user = (
        users.filter(username=username).first()
        if username
        else users.filter(is_superuser=True).order_by("pk").first()
    )
    if user is None:
        raise ProvisionError(
            "dashboards need an owner: pass --owner USERNAME (or create a superuser)"
        )
    return user


def dashboards_provision(files: list[tuple[str, object]], owner: str, lines: list[str]) -> None:
    wanted: dict[str, tuple[str, dict]] = {}
    for source, data in files:
        try:
            clean = validate_definition(data)
        except serializers.ValidationError as exc:
            raise ProvisionError(f"{source}: {json.dumps(exc.detail, default=str)}") from None
        title = str(clean.pop("title", "") or "")
        if not title or title in wanted:
            raise ProvisionError(f"{source}: a dashboard needs a title, unique among the files")
        wanted[title] = (source, json.loads(json.dumps(clean)))
    existing = {d.title: d for d in Dashboard.objects.filter(provisioned=True)}
    for board in Dashboard.objects.filter(provisioned=False, title__in=list(wanted)):
        existing.setdefault(board.title, board)  # taken over by the file
    user = None
    for title, (source, definition) in wanted.items():
        found = existing.get(title)
        if found is None:
            lines.append(f"+ dashboard {title!r} ({source})")
            user = user or _owner(owner)
            Dashboard.objects.create(
                title=title, owner=user, definition=definition, provisioned=True, source=source
            )
        elif found.definition != definition or found.source != source:
            lines.append(f"~ dashboard {title!r}")
            Dashboard.objects.filter(pk=found.pk).update(
                definition=definition, source=source, provisioned=True
            )
    for title, board in existing.items():
        if title not in wanted and board.provisioned:
            lines.append(f"- dashboard {title!r} (no longer in {board.source})")
            board.delete()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "dashboard"


def export_config(directory: Path) -> list[Path]:
    """Write the current configuration in the layout ``provision`` reads."""
    written = []
    for sub in ("rules", "silences", "dashboards"):
        (directory / sub).mkdir(parents=True, exist_ok=True)

    def write(path: Path, data: object) -> None:
        text = json.dumps(data, indent=1) if path.suffix == ".json" else _yaml(data)
        path.write_text(text)
        written.append(path)

    write(directory / "alertmanager.yml", config_data())
    rules = AlertRule.objects.prefetch_related("channels").order_by("name")
    write(directory / "rules" / "hydra.yml", {"rules": [rule_export(r) for r in rules]})
    silences = Silence.objects.exclude(comment="").order_by("comment")
    write(
        directory / "silences" / "silences.yml", {"silences": [silence_export(s) for s in silences]}
    )
    for board in Dashboard.objects.filter(shared=True).order_by("title", "pk"):
        write(
            directory / "dashboards" / f"{_slug(board.title)}-{board.pk}.json",
            dashboard_export(board),
        )
    return written


def _yaml(data: object) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
