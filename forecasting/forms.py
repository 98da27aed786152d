from django import forms


class BreachForm(forms.Form):
    """Time to breach: when does the forecast (or a bound) cross ``threshold``?"""

    threshold = forms.FloatField()
    direction = forms.ChoiceField(choices=[(">", "rises above"), ("<", "falls below")])
    bound = forms.ChoiceField(
        choices=[("yhat", "forecast"), ("upper", "upper bound"), ("lower", "lower bound")],
        initial="yhat",
        required=False,
    )
