"""Ingestion: parse a request into a ``Batch`` (all or nothing), then write it in bulk."""

from metrics.ingest.batch import Batch, IngestError, PointError, RequestTooLarge, SeriesMeta

__all__ = ["Batch", "IngestError", "PointError", "RequestTooLarge", "SeriesMeta"]
