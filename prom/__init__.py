"""Prometheus compatibility for Hydra: the PromQL engine (``prom.promql``) and, later, its API."""
