"""Django's Redis cache with one connection pool per process.

Django keeps a cache object per thread, and each makes its own Redis client and pool;
under ASGI every request runs in a fresh thread, so each request would connect to Redis
again. This backend shares the (thread-safe) client across threads.
"""

from __future__ import annotations

import threading

from django.core.cache.backends.redis import RedisCache, RedisCacheClient

_clients: dict[tuple, RedisCacheClient] = {}
_lock = threading.Lock()


class SharedRedisCache(RedisCache):
    _servers: list[str]
    _options: dict
    _class: type[RedisCacheClient]

    @property  # type: ignore[override]
    def _cache(self) -> RedisCacheClient:
        key = (tuple(self._servers), tuple(sorted(self._options.items())))
        client = _clients.get(key)
        if client is None:
            with _lock:
                client = _clients.setdefault(key, self._class(self._servers, **self._options))
        return client
