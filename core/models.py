"""Hydra's own models: API tokens with a read-only or read-write scope."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models


def hash_key(key: str) -> str:
    """Tokens are stored hashed; only the creator ever sees the key."""
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """An API token. ``read_only`` tokens may only use safe methods (GET, HEAD, OPTIONS)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False, help_text="First characters of the key")
    read_only = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "hydra_apitoken"  # from before the core app existed: the data stays put
        ordering = ["-created_at"]

    def __str__(self) -> str:
        scope = "read-only" if self.read_only else "read-write"
        return f"{self.prefix}… ({self.user}, {scope})"

    @property
    def scope(self) -> str:
        return "read" if self.read_only else "read-write"
