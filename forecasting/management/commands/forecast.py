"""``manage.py forecast --csv IN --horizon H --out OUT [--model NAME]``: forecast a CSV with
the forecasting code the scheduler uses.

IN has ``timestamp,value`` (ISO 8601 or epoch seconds); the step is the median spacing of
the timestamps. H is a duration (``24h``, ``90m``, ``2d``, ``1w``; rounded up to whole
steps) or a plain number of steps. OUT has ``timestamp,yhat,yhat_lower,yhat_upper``, with
timestamps in IN's style.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from forecasting import csvio
from forecasting.spec import MODEL_NAMES, SEASONALITIES


class Command(BaseCommand):
    help = "Forecast a timestamp,value CSV (same models as the scheduler)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--csv", required=True, type=Path, help="input CSV: timestamp,value")
        parser.add_argument(
            "--horizon", required=True, help="24h, 90m, 2d, 1w or a number of steps"
        )
        parser.add_argument("--out", required=True, type=Path, help="output CSV")
        parser.add_argument("--model", default="auto", choices=MODEL_NAMES)
        parser.add_argument("--level", type=float, default=0.8, help="interval width (0.8 = 80%%)")
        parser.add_argument("--seasonalities", default="auto", choices=list(SEASONALITIES))

    def handle(self, *args, **options) -> None:
        from forecasting.forecasters import fit_predict

        try:
            times, values, epoch = csvio.read_series(Path(options["csv"]))
            step = csvio.infer_step(times)
            steps = csvio.parse_horizon(options["horizon"], step)
            forecast = fit_predict(
                times, values, timedelta(seconds=steps * step), timedelta(seconds=step),
                model=options["model"], level=options["level"],
                seasonalities=SEASONALITIES[options["seasonalities"]],
            )  # fmt: skip
            csvio.write_forecast(Path(options["out"]), forecast, epoch)
        except ValueError as exc:  # CsvError and the models' readable input errors
            raise CommandError(str(exc)) from None
        note = "" if forecast.reliable else f" (unreliable: {'; '.join(forecast.reasons)})"
        self.stdout.write(f"{forecast.model}: {steps} steps of {step}s -> {options['out']}{note}")
