from django.apps import AppConfig


class PromConfig(AppConfig):
    """Prometheus and OpenTelemetry: remote write and OTLP receivers (the PromQL engine is
    the pure package ``prom.promql``)."""

    name = "prom"
    verbose_name = "Prometheus"
