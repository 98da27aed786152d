"""Forms of the scenario pages: a scenario (friendly fields ⇄ engine spec), the generator,
training and run comparison. The engine validates the spec; its messages name the field."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from core.text import control_message
from scenarios.engine import DIFFICULTIES, EXECUTORS, SCENARIO_TYPES
from scenarios.models import Scenario

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]
_SPEC_FIELD = {  # engine field → form field
    "requests[0].url": "url", "requests[0].method": "method", "requests[0].headers": "headers",
    "requests[0].body": "body", "executor": "executor", "duration": "duration", "vus": "vus",
    "rate": "rate", "stages": "stages", "think_time": "think_time", "timeout": "timeout",
    "thresholds": "thresholds", "window": "window", "spike_multiplier": "spike_multiplier",
    "target": "url", "limits": None,
}  # fmt: skip


def _text(help_text: str = "", **kw: Any) -> forms.CharField:
    return forms.CharField(required=False, help_text=help_text, **kw)


class ScenarioForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = _text(widget=forms.Textarea(attrs={"rows": 2}))
    tags = _text("comma-separated")
    monitored_host = _text("Hydra host of the target's server (default: the URL's host)")
    method = forms.ChoiceField(choices=[(m, m) for m in METHODS], initial="GET")
    url = forms.CharField(max_length=2000, label="URL", help_text="must be on the allow-list")
    headers = _text("one 'Name: value' per line", widget=forms.Textarea(attrs={"rows": 2}))
    body = _text(widget=forms.Textarea(attrs={"rows": 2}))
    more_requests = _text(
        "optional JSON list of further weighted requests, e.g. "
        '[{"url": "http://127.0.0.1:8080/search", "weight": 3}]',
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    executor = forms.ChoiceField(choices=[(e, e) for e in EXECUTORS], initial="constant-vus")
    duration = _text("e.g. 30s, 5m (not for ramping executors)", initial="30s")
    vus = forms.IntegerField(required=False, min_value=1, initial=10, label="VUs")
    rate = forms.FloatField(required=False, min_value=0, help_text="requests/s (arrival-rate)")
    stages = _text("ramping: 'duration:target' pairs, e.g. 30s:10, 1m:50, 30s:0")
    think_time = forms.FloatField(
        required=False, min_value=0, help_text="seconds between a VU's requests"
    )
    timeout = _text("per request, e.g. 10s", initial="10s")
    spike_multiplier = forms.FloatField(required=False, min_value=1)
    thresholds = _text(
        "one per line: p95 < 300ms, error_rate < 1%, rps >= 500",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    window = _text("sliding window for thresholds during the run", initial="10s")
    abort_on_fail = forms.BooleanField(required=False, help_text="stop when a window fails")

    def clean_headers(self) -> dict[str, str]:
        headers = {}
        for number, line in enumerate(self.cleaned_data["headers"].splitlines(), 1):
            if line.strip():
                name, sep, value = line.partition(":")
                if not sep or not name.strip():
                    raise forms.ValidationError(f"line {number}: expected 'Name: value'")
                if message := control_message(f"line {number}", line):
                    raise forms.ValidationError(message)
                headers[name.strip()] = value.strip()
        return headers

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if message := control_message("the URL", url):
            raise forms.ValidationError(message)
        return url

    def clean_more_requests(self) -> list:
        text = self.cleaned_data["more_requests"].strip()
        if not text:
            return []
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(f"not JSON: {exc.msg} (line {exc.lineno})") from None
        if not isinstance(value, list):
            raise forms.ValidationError("expected a JSON list of request objects")
        return value

    def clean_stages(self) -> list[dict]:
        stages = []
        for part in filter(None, (p.strip() for p in self.cleaned_data["stages"].split(","))):
            duration, sep, target = part.rpartition(":")
            try:
                stages.append({"duration": duration, "target": float(target)})
            except ValueError:
                raise forms.ValidationError(f"{part!r}: expected duration:target") from None
            if not sep:
                raise forms.ValidationError(f"{part!r}: expected duration:target")
        return stages

    def spec(self) -> dict[str, Any]:
        """The engine spec for the cleaned data."""
        data = self.cleaned_data
        first = {"url": data["url"], "method": data["method"], "headers": data["headers"]}
        if data["body"]:
            first["body"] = data["body"]
        spec: dict[str, Any] = {"requests": [first, *data["more_requests"]]}
        spec["executor"] = data["executor"]
        for key in ("duration", "timeout", "window"):
            if data[key]:
                spec[key] = data[key]
        for key in ("vus", "rate", "think_time", "spike_multiplier"):
            if data[key] is not None:
                spec[key] = data[key]
        if data["stages"]:
            spec["stages"] = data["stages"]
        spec["thresholds"] = [t.strip() for t in data["thresholds"].splitlines() if t.strip()]
        spec["abort_on_fail"] = data["abort_on_fail"]
        return spec

    def extra(self) -> dict[str, Any]:
        """The scenario's fields besides name and spec."""
        data = self.cleaned_data
        tags = [t.strip() for t in data["tags"].split(",") if t.strip()]
        return {
            "description": data["description"],
            "tags": tags,
            "monitored_host": data["monitored_host"].strip(),
        }

    def add_engine_error(self, message: str, field: str) -> None:
        """Attach an engine/safety message to the form field it names."""
        key = message.split(":", 1)[0].strip()
        target = _SPEC_FIELD.get(key, _SPEC_FIELD.get(field))
        self.add_error(target if target in self.fields else None, message)

    @classmethod
    def initial_for(cls, scenario: Scenario) -> dict[str, Any]:
        """Form values for an existing scenario."""
        spec = scenario.spec
        first, *more = spec.get("requests") or [{}]
        stages = ", ".join(f"{s['duration']:g}s:{s['target']:g}" for s in spec.get("stages", []))
        headers = "\n".join(f"{k}: {v}" for k, v in (first.get("headers") or {}).items())
        body = first.get("body")
        return {
            "name": scenario.name, "description": scenario.description,
            "tags": ", ".join(scenario.tags), "monitored_host": scenario.monitored_host,
            "method": first.get("method", "GET"), "url": first.get("url", ""),
            "headers": headers, "body": body if isinstance(body, str) else json.dumps(body or ""),
            "more_requests": json.dumps(more) if more else "",
            "executor": spec.get("executor"), "duration": f"{spec.get('duration', 10):g}s",
            "vus": spec.get("vus"), "rate": spec.get("rate"), "stages": stages,
            "think_time": spec.get("think_time"), "timeout": f"{spec.get('timeout', 10):g}s",
            "spike_multiplier": spec.get("spike_multiplier"),
            "thresholds": "\n".join(spec.get("thresholds", [])),
            "window": f"{spec.get('window', 10):g}s", "abort_on_fail": spec.get("abort_on_fail"),
        }  # fmt: skip


class GenerateForm(forms.Form):
    type = forms.ChoiceField(
        choices=[("", "any type"), *((t, t) for t in SCENARIO_TYPES)], required=False
    )
    difficulty = forms.ChoiceField(choices=[(d, d) for d in DIFFICULTIES], initial="easy")
    target_url = forms.URLField(max_length=2000, label="Target URL", assume_scheme="http")


class TrainingForm(forms.Form):
    target_url = forms.URLField(max_length=2000, label="Target URL", assume_scheme="http")
    p95_ms = forms.FloatField(min_value=0.1, initial=100, label="SLO: p95 below (ms)")
    error_pct = forms.FloatField(
        min_value=0, max_value=100, initial=1, label="and errors below (%)"
    )
    max_rps = forms.FloatField(min_value=0.1, initial=1000, label="Max rate (req/s)")
    step_duration = forms.FloatField(min_value=2, initial=10, label="Step (s)")
    label = forms.CharField(max_length=200, required=False, help_text="e.g. release v1.4")

    def slo(self) -> list[str]:
        data = self.cleaned_data
        return [f"p95 < {data['p95_ms']:g}ms", f"error_rate < {data['error_pct']:g}%"]


class CompareForm(forms.Form):
    a = forms.IntegerField(min_value=1, label="Run")
    b = forms.IntegerField(min_value=1, label="against run")
