from django import forms

from metrics.dashboards import CHART_TYPES
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
    agg = forms.ChoiceField(choices=[(a, a) for a in AGGS])
    step = forms.CharField(max_length=10, required=False)
    width = forms.IntegerField(min_value=1, max_value=4, initial=2)
    height = forms.IntegerField(min_value=1, max_value=3, initial=1)

    def panel(self) -> dict:
        d = self.cleaned_data
        query = {
            "name": d["name"],
            "host": d["host"],
            "agg": d["agg"],
            "step": d["step"],
            "labels": {},
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
