"""OTLP attributes -> Prometheus-style labels (pure: no Django).

Rules (README "Prometheus and OpenTelemetry"):

- A key becomes a label name with every character outside ``[a-zA-Z0-9_]`` replaced by
  ``_`` and ``key_`` put before a leading digit (``http.route`` -> ``http_route``); keys
  that end up equal have their values joined with ``;`` in key order (the OpenTelemetry
  specification's Prometheus rule).
- Values: strings as they are, booleans ``true``/``false``, numbers in their shortest
  form, arrays and maps as JSON, bytes as base64.
- Resource: ``host.name`` is the series' host; ``service.name`` (with ``service.namespace``
  before it and a ``/``) is the ``job`` label and ``service.instance.id`` the ``instance``
  label, as Prometheus maps them; ``telemetry.sdk.*`` (the SDK's own name and version) is
  dropped; every other resource attribute is a label. Data point attributes are labels
  and win over a resource attribute of the same name.
"""

from __future__ import annotations

import base64
import json
import re

INVALID = re.compile(r"[^a-zA-Z0-9_]")
DROPPED_PREFIXES = ("telemetry.sdk.",)


def label_name(key: str) -> str:
    name = INVALID.sub("_", key)
    return f"key_{name}" if name[:1].isdigit() else name


def any_value(value) -> str:
    """An ``AnyValue`` as a label value."""
    kind = value.WhichOneof("value")
    if kind == "string_value":
        return value.string_value
    if kind == "bool_value":
        return "true" if value.bool_value else "false"
    if kind == "int_value":
        return str(value.int_value)
    if kind == "double_value":
        return repr(value.double_value)
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode()
    return json.dumps(_plain(value), separators=(",", ":"), sort_keys=True)


def _plain(value):
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [_plain(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: _plain(kv.value) for kv in value.kvlist_value.values}
    if kind is None:
        return None
    return getattr(value, kind) if kind != "bytes_value" else any_value(value)


def labels_of(attributes) -> dict[str, str]:
    """``KeyValue``s -> labels (sanitized names, colliding names joined, empty dropped)."""
    found: dict[str, list[tuple[str, str]]] = {}
    for kv in attributes:
        text = any_value(kv.value)
        if kv.key and text:
            found.setdefault(label_name(kv.key), []).append((kv.key, text))
    return {name: ";".join(v for _, v in sorted(pairs)) for name, pairs in found.items()}


def resource_labels(attributes) -> tuple[str, dict[str, str]]:
    """(host, labels) of a resource."""
    values = {kv.key: any_value(kv.value) for kv in attributes}
    kept = [
        kv
        for kv in attributes
        if not kv.key.startswith(DROPPED_PREFIXES)
        and kv.key not in ("host.name", "service.name", "service.namespace", "service.instance.id")
    ]
    labels = labels_of(kept)
    service = values.get("service.name", "")
    if service:
        namespace = values.get("service.namespace", "")
        labels["job"] = f"{namespace}/{service}" if namespace else service
    if values.get("service.instance.id"):
        labels["instance"] = values["service.instance.id"]
    return values.get("host.name", ""), labels
