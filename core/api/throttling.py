from __future__ import annotations

from django.core.cache.backends.redis import RedisCacheClient
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from core.models import ApiToken
from core.outage import REDIS_ERRORS, redis_failed

_clients: dict[int, object] = {}  # RedisCacheClient id -> its Redis client (thread-safe)


def _redis(cache):
    """The Redis client behind Django's Redis cache, or None for other caches."""
    backend = getattr(cache, "_cache", None)
    if not isinstance(backend, RedisCacheClient):
        return None
    client = _clients.get(id(backend))
    if client is None:
        client = _clients.setdefault(id(backend), backend.get_client(write=True))
    return client


class TokenRateThrottle(SimpleRateThrottle):
    """Per-token rate limit (per user for sessions, per address for the anonymous).

    Over the limit DRF answers 429 with ``Retry-After``. The rate is
    ``HYDRA_API_THROTTLE_RATE`` (e.g. ``100/s``), read at request time.

    On Redis it counts in a sliding window (this window's count plus the previous one's,
    weighted by how much of it still overlaps) with one pipelined round trip and no
    pickled history; refused requests are not counted. Other caches use DRF's history.
    """

    scope = "token"
    num_requests: int  # set by SimpleRateThrottle.__init__ from the rate
    duration: int
    counted: tuple | None = None  # (Redis client, key) of the request last let through

    def get_rate(self) -> str | None:
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return str(rate) if rate else None

    def get_cache_key(self, request, view) -> str:
        if isinstance(request.auth, ApiToken):
            ident = f"t{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            ident = f"a{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}

    def allow_request(self, request, view) -> bool:
        """Redis down: the request is let through (ingestion must not depend on Redis),
        logged and counted (``core.outage``)."""
        try:
            return self._allow(request, view)
        except REDIS_ERRORS as exc:
            self.counted = None
            redis_failed("throttle", exc)
            return True

    def _allow(self, request, view) -> bool:
        client = _redis(self.cache)
        if client is None or self.rate is None:
            return super().allow_request(request, view)
        self.now = self.timer()
        window, gone = divmod(self.now, self.duration)
        key = self.cache.make_and_validate_key(self.get_cache_key(request, view))
        current, previous = f"{key}:{int(window)}", f"{key}:{int(window) - 1}"
        pipe = client.pipeline(transaction=False)
        pipe.incr(current)
        pipe.expire(current, 2 * self.duration)
        pipe.get(previous)
        count, _, before = pipe.execute()
        overlap = 1 - gone / self.duration  # share of the previous window still inside
        if int(before or 0) * overlap + count <= self.num_requests:
            self.counted = (client, current)
            return True
        client.decr(current)  # a refused request does not count
        self.wait_s = self._wait(count - 1, int(before or 0), gone)
        return False

    def refund(self) -> None:
        """Uncount the request ``allow_request`` just let through (it is being handed to
        another handler that counts it again)."""
        counted = getattr(self, "counted", None)
        try:
            self._refund(counted)
        except REDIS_ERRORS as exc:
            redis_failed("throttle", exc)

    def _refund(self, counted) -> None:
        if counted is not None:
            counted[0].decr(counted[1])
        elif getattr(self, "history", None) and self.now in self.history:
            self.history.remove(self.now)
            self.cache.set(self.key, self.history, self.duration)

    def _wait(self, counted: int, before: int, gone: float) -> float:
        """Seconds until one more request fits."""
        room = self.num_requests - counted - 1  # what the previous window must shrink to
        if counted + 1 > self.num_requests or before == 0:
            return max(self.duration - gone, 0.001)
        overlap_needed = room / before
        return max((1 - overlap_needed) * self.duration - gone, 0.001)

    def wait(self) -> float | None:
        if hasattr(self, "wait_s"):
            return self.wait_s
        return super().wait()
