"""A Prometheus configuration's ``scrape_configs`` -> target specs (pure: no Django).

Read: ``job_name``, ``scrape_interval``/``scrape_timeout`` (else ``global``'s, else 1m/10s),
``metrics_path``, ``scheme``, ``params``, ``honor_labels``, ``honor_timestamps``,
``static_configs``, ``file_sd_configs`` (JSON or YAML files, globs relative to the config
file; read once per import: re-run the import to refresh), ``basic_auth``,
``authorization`` (Bearer), ``relabel_configs`` (applied to the targets here) and
``metric_relabel_configs`` (kept on each target: the scraper applies them to every sample).

Secrets are never stored. An inline ``password``/``credentials`` (or ``*_file``) becomes a
reference to an environment variable named after the job, e.g. ``SCRAPE_NODE_PASSWORD``,
and the import tells you to set it. Other service discoveries (Kubernetes, Consul, …) are
skipped with a warning; unsupported options that change what is scraped are errors.
"""

from __future__ import annotations

import glob
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import yaml

from prom.durations import parse_ms
from prom.scrape_config.relabel import RelabelError, Rule, apply, rule

DEFAULT_INTERVAL, DEFAULT_TIMEOUT = "1m", "10s"
SD_SKIPPED = re.compile(r"[a-z0-9]+_sd_configs\Z")  # fixed pattern
UNSUPPORTED = ("proxy_url", "oauth2", "tls_config", "sample_limit")
MAX_FILES = 1000


class ConfigError(ValueError):
    """The configuration can't be imported; the message says where and why."""


@dataclass
class TargetSpec:
    job: str
    url: str
    interval: str
    timeout: str
    labels: dict[str, str] = field(default_factory=dict)
    honor_labels: bool = False
    honor_timestamps: bool = True
    username: str = ""
    password_env: str = ""
    bearer_env: str = ""
    metric_relabel_configs: list[dict] = field(default_factory=list)


@dataclass
class Imported:
    targets: list[TargetSpec] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped: int = 0  # targets relabeling dropped


def load(path: Path) -> Imported:
    try:
        config = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    return read(config or {}, path.parent)


def read(config: object, base_dir: Path) -> Imported:
    if not isinstance(config, dict):
        raise ConfigError("the file is not a Prometheus configuration (a mapping)")
    defaults = config.get("global") or {}
    out = Imported()
    for job in config.get("scrape_configs") or []:
        if not isinstance(job, dict) or not job.get("job_name"):
            raise ConfigError("every scrape_configs entry needs a job_name")
        try:
            _job(job, defaults, base_dir, out)
        except (ConfigError, RelabelError, ValueError) as exc:
            raise ConfigError(f"job {job['job_name']!r}: {exc}") from None
    return out


def env_name(job: str, what: str) -> str:
    return ("SCRAPE_" + re.sub(r"[^A-Z0-9]+", "_", job.upper()).strip("_") + "_" + what)[:100]


def _job(job: dict, defaults: dict, base_dir: Path, out: Imported) -> None:
    name = str(job["job_name"])
    for key in job:
        if key in UNSUPPORTED:
            raise ConfigError(f"{key} is not supported by Hydra's import")
        if SD_SKIPPED.match(key) and key not in ("static_configs", "file_sd_configs"):
            out.warnings.append(f"job {name!r}: {key} skipped (Hydra reads static and file SD)")
    interval = str(job.get("scrape_interval") or defaults.get("scrape_interval", DEFAULT_INTERVAL))
    timeout = str(job.get("scrape_timeout") or defaults.get("scrape_timeout", DEFAULT_TIMEOUT))
    if parse_ms(timeout) > parse_ms(interval):  # Prometheus caps it the same way
        timeout = interval
    auth = _auth(job, name, out)
    rules: list[Rule] = [rule(r) for r in job.get("relabel_configs") or []]
    metric_rules = list(job.get("metric_relabel_configs") or [])
    for raw in metric_rules:  # checked now: a bad rule fails the import with its job named
        rule(raw)
    base = {
        "job": name,
        "__scheme__": str(job.get("scheme", "http")),
        "__metrics_path__": str(job.get("metrics_path", "/metrics")),
        **_params(job.get("params") or {}),
    }
    for group in _groups(job, base_dir):
        for address in group["targets"]:
            labels = apply(rules, {**base, **group["labels"], "__address__": str(address)})
            if labels is None:
                out.dropped += 1
                continue
            out.targets.append(_spec(labels, interval, timeout, job, auth, metric_rules))


def _auth(job: dict, name: str, out: Imported) -> dict[str, str]:
    basic, bearer = job.get("basic_auth"), job.get("authorization")
    if basic and bearer:
        raise ConfigError("at most one of basic_auth and authorization")
    if basic:
        auth = {"username": str(basic.get("username", ""))}
        if basic.get("password") or basic.get("password_file"):
            auth["password_env"] = env_name(name, "PASSWORD")
            out.warnings.append(
                f"job {name!r}: the password is not stored; set environment variable "
                f"{auth['password_env']} to it for the scraper"
            )
        return auth
    if bearer:
        if str(bearer.get("type", "Bearer")) != "Bearer":
            raise ConfigError("authorization: only type Bearer is supported")
        env = env_name(name, "TOKEN")
        out.warnings.append(
            f"job {name!r}: the credentials are not stored; set environment variable {env} "
            "to them for the scraper"
        )
        return {"bearer_env": env}
    return {}


def _params(params: object) -> dict[str, str]:
    if not isinstance(params, dict):
        raise ConfigError("params must map names to lists of values")
    out = {}
    for key, values in params.items():
        values = values if isinstance(values, list) else [values]
        if values:
            out[f"__param_{key}"] = str(values[0])  # Prometheus's __param_ holds the first
    return out


def _groups(job: dict, base_dir: Path) -> list[dict]:
    groups = [_group(g) for g in job.get("static_configs") or []]
    for sd in job.get("file_sd_configs") or []:
        for pattern in sd.get("files") or []:
            paths = sorted(glob.glob(str(base_dir / pattern)))[:MAX_FILES]
            for path in paths:
                groups.extend(_group(g, path) for g in _file_groups(Path(path)))
    return groups


def _file_groups(path: Path) -> list:
    try:
        text = path.read_text()
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ConfigError(f"file_sd {path}: {exc}") from None
    if not isinstance(data, list):
        raise ConfigError(f"file_sd {path}: expected a list of target groups")
    return data


def _group(raw: object, path: str | None = None) -> dict:
    if not isinstance(raw, dict) or not isinstance(raw.get("targets", []), list):
        raise ConfigError("a target group is {targets: [host:port, ...], labels: {...}}")
    labels = {str(k): str(v) for k, v in (raw.get("labels") or {}).items()}
    if path is not None:
        labels["__meta_filepath"] = path
    return {"targets": raw.get("targets") or [], "labels": labels}


def _spec(labels: dict[str, str], interval: str, timeout: str, job: dict, auth: dict, metric: list):
    address = labels.get("__address__", "")
    if not address:
        raise ConfigError("a target has no __address__ after relabeling")
    params = {k[8:]: v for k, v in labels.items() if k.startswith("__param_")}
    url = f"{labels.get('__scheme__', 'http')}://{address}{labels.get('__metrics_path__', '')}"
    if params:
        url += "?" + urlencode(params)
    kept = {k: v for k, v in labels.items() if not k.startswith("__") and k != "job" and v}
    if kept.get("instance") == address:
        kept.pop("instance")  # the default instance: the scraper adds it
    return TargetSpec(
        job=labels.get("job", ""),
        url=url,
        interval=interval,
        timeout=timeout,
        labels=kept,
        honor_labels=bool(job.get("honor_labels", False)),
        honor_timestamps=bool(job.get("honor_timestamps", True)),
        metric_relabel_configs=metric,
        **auth,
    )
