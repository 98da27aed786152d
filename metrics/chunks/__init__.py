"""The compressed tier: per-series chunks of pcodec-compressed points (``metrics.Chunk``)."""
