"""Writes of the alerts app, split by sub-domain (evaluation, notifications, detection, ...)."""
