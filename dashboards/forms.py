from django import forms

from dashboards.definition import CHART_TYPES
from metrics.query.params import AGGS
from metrics.timerange import CHOICES


class DashboardForm(forms.Form):
    title = forms.CharField(max_length=200)
    shared = forms.BooleanField(required=False, initial=True, help_text="visible to the whole team")
    range = forms.ChoiceField(choices=[(c, c) for c in CHOICES], initial="1h")
    variables = forms.CharField(
        required=False, max_length=500, help_text="e.g. host=web-1, region=eu (use $host in panels)"
    )

    def clean_variables(self) -> list[dict]:
        out = []
        for part in filter(None, (p.strip() for p in self.cleaned_data["variables"].split(","))):
            name, _, default = part.partition("=")
            out.append({"name": name.strip(), "default": default.strip()})
        return out


class PanelForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    chart = forms.ChoiceField(choices=[(c, c) for c in CHART_TYPES])
    name = forms.CharField(max_length=200, label="metric")
    host = forms.CharField(max_length=200, required=False, help_text="may use $host")
    labels = forms.CharField(
        max_length=500, required=False, help_text="e.g. region=eu, disk=$disk (all must match)"
    )
    agg = forms.ChoiceField(choices=[(a, a) for a in AGGS])
    step = forms.CharField(max_length=10, required=False)
    width = forms.IntegerField(min_value=1, max_value=4, initial=2)
    height = forms.IntegerField(min_value=1, max_value=3, initial=1)

    def clean_labels(self) -> dict[str, str]:
        out = {}
        for part in filter(None, (p.strip() for p in self.cleaned_data["labels"].split(","))):
            key, sep, value = part.partition("=")
            if not sep or not key.strip():
                raise forms.ValidationError(f"{part!r}: write labels as key=value")
            out[key.strip()] = value.strip()
        return out

    @classmethod
    def initial_for(cls, panel: dict) -> dict:
        """The form's fields from a stored panel (to edit it)."""
        query = panel.get("query", {})
        labels = ", ".join(f"{k}={v}" for k, v in query.get("labels", {}).items())
        fields = ("name", "host", "agg", "step")
        return {
            **{k: panel.get(k) for k in ("title", "chart", "width", "height")},
            **{k: query.get(k, "") for k in fields},
            "labels": labels,
        }

    def panel(self) -> dict:
        d = self.cleaned_data
        query = {
            "name": d["name"],
            "host": d["host"],
            "agg": d["agg"],
            "step": d["step"],
            "labels": d["labels"],
        }
        return {
            "title": d["title"],
            "chart": d["chart"],
            "query": query,
            "width": d["width"],
            "height": d["height"],
        }


class ImportForm(forms.Form):
    file = forms.FileField(help_text="a dashboard exported from Hydra (JSON)")
