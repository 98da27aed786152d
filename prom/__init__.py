"""Prometheus and OpenTelemetry compatibility for Hydra: remote write and OTLP receivers
(``prom.remote_write``, ``prom.otlp``), and the PromQL engine (``prom.promql``, pure)."""
