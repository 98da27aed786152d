from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from hydra.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """Per-token rate limit (per user for sessions, per address for the anonymous).

    Over the limit DRF answers 429 with ``Retry-After``. The rate is
    ``HYDRA_API_THROTTLE_RATE`` (e.g. ``100/s``), read at request time.
    """

    scope = "token"

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
