"""Hydra's own Prometheus metrics (exported at ``/metrics``)."""

from prometheus_client import Counter, Histogram

POINTS_INGESTED = Counter("hydra_points_ingested_total", "Points stored by ingestion")
INGEST_REQUESTS = Counter(
    "hydra_ingest_requests_total", "Ingestion requests by outcome", ["format", "status"]
)
INGEST_SECONDS = Histogram(
    "hydra_ingest_seconds",
    "Time to validate and store one ingestion request",
    ["format"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
