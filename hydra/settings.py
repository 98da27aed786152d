"""Hydra settings: one module, every difference between laptop and production comes
from the environment (django-environ). See README "Configuration" for the table.

Two modes, same code:

* embedded (no ``DATABASE_URL`` and no ``REDIS_URL``): SQLite in WAL mode, the
  in-process channel layer, local-memory cache, Celery tasks run in-process on the
  same beat schedule (``core.embedded``);
* full: PostgreSQL, Redis (channels_redis, Celery broker, cache), daphne + Celery
  worker + Celery beat as separate processes.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from csp.constants import NONCE as CSP_NONCE
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DATA_DIR = Path(env("HYDRA_DATA_DIR", default=str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

DATABASE_URL = env("DATABASE_URL", default="")
REDIS_URL = env("REDIS_URL", default="")
HYDRA_EMBEDDED_TASKS = not REDIS_URL
HYDRA_MODE = (
    "full"
    if DATABASE_URL and REDIS_URL
    else ("embedded" if not DATABASE_URL and not REDIS_URL else "mixed")
)

DEBUG = env.bool("DEBUG", default=False)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def env_duration(name: str, default: str) -> timedelta:
    """A duration such as ``30d``, ``12h``, ``90m`` or ``45s`` (plain numbers are seconds)."""
    text = env(name, default=default).strip().lower()
    unit = text[-1] if text and text[-1] in _UNITS else "s"
    number = text[:-1] if text and text[-1] in _UNITS else text
    try:
        return timedelta(seconds=float(number) * _UNITS[unit])
    except ValueError:
        raise environ.ImproperlyConfigured(f"{name}={text!r} is not a duration like 30d") from None


INSECURE_SECRET_KEY = "django-insecure-hydra-default-key-change-me"


def _secret_key() -> str:
    """The configured key; on an embedded install, one generated once and kept in DATA_DIR."""
    if key := env("SECRET_KEY", default=""):
        return key
    if DATABASE_URL:
        return INSECURE_SECRET_KEY  # full mode must configure one: hydra.E001 refuses otherwise
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "core.apps.HydraAdminConfig",  # django.contrib.admin, for the admin role only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "django_filters",
    "django_celery_beat",
    "django_prometheus",
    "channels",
    "core",
    "metrics",
    "alerts",
    "forecasting",
    "scenarios",
    "prom",
    "dashboards",
    "axes",  # login throttling (issue 12): after its apps, so its admin and models load
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy with per-request nonces
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.PrometheusAfterMiddleware",  # labels bounded (issue 12)
    "axes.middleware.AxesMiddleware",  # django-axes: last, as its docs say
]

ROOT_URLCONF = "hydra.urls"
ASGI_APPLICATION = "hydra.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dashboards.context_processors.hydra",
            ],
        },
    },
]


def _databases() -> dict:
    if DATABASE_URL:
        db = env.db_url("DATABASE_URL")
        if db["ENGINE"].endswith("postgresql"):
            # the database down: a connection attempt gives up after 2 s (issue 12)
            db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
        if db["ENGINE"].endswith("postgresql") and env.int("HYDRA_DB_POOL_SIZE", default=20) > 0:
            # under ASGI each request runs in a new thread: a pool, not per-thread connections
            db["CONN_MAX_AGE"] = 0
            db.setdefault("OPTIONS", {})["pool"] = {
                "min_size": 2,
                "max_size": env.int("HYDRA_DB_POOL_SIZE", default=20),
                # how long a request waits for a connection before its 503 (core.outage)
                "timeout": env.float("HYDRA_DB_POOL_TIMEOUT", default=1.5),
            }
        else:
            db.setdefault("CONN_MAX_AGE", env.int("HYDRA_DB_CONN_MAX_AGE", default=60))
            db["CONN_HEALTH_CHECKS"] = True
        return {"default": db}
    return {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "hydra.sqlite3",
            "OPTIONS": {
                "timeout": 30,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=30000; PRAGMA cache_size=-65536;"
                ),
            },
            # a file (browser tests share it with a daphne child), one per test process
            "TEST": {"NAME": DATA_DIR / f"test-{os.getpid()}.sqlite3"},
        }
    }


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _next_redis_db(url: str) -> str:
    """The same server, the next database: a cache clear (FLUSHDB) must never wipe the
    Celery queues or the channel layer, which live in REDIS_URL's database."""
    parts = urlsplit(url)
    db = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{db + 1}"))


if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.SharedRedisCache",
            "LOCATION": env("HYDRA_CACHE_URL", default=_next_redis_db(REDIS_URL)),
            "KEY_PREFIX": env("HYDRA_CACHE_PREFIX", default="hydra"),
            # Redis down or unreachable: fail within a second or two, never hang a request
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # channels_redis blocks 5 s per read: the socket timeout must be longer
                # (redis-py 8 defaults it to 5 s, which killed idle consumers)
                "hosts": [
                    {"address": REDIS_URL, "socket_timeout": 30, "socket_connect_timeout": 5}
                ],
                "prefix": env("HYDRA_CHANNEL_PREFIX", default="hydra"),
                "capacity": 10_000,
                "expiry": 30,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"

# Login throttling (django-axes): after HYDRA_LOGIN_FAILURE_LIMIT wrong passwords for one
# username from one address, that pair is locked out for HYDRA_LOGIN_COOLOFF; a success
# before that resets the count. API tokens and sessions are not affected.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("HYDRA_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env_duration("HYDRA_LOGIN_COOLOFF", "15m")
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("HYDRA_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns when it is missing
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "core.staticfinders.PlotlyFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # works before collectstatic; the Docker image collects anyway

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="hydra@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("HYDRA_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
BEHIND_TLS_PROXY = env.bool("HYDRA_BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# HTTPS only from the first visit on, when served over TLS (issue 12)
SECURE_HSTS_SECONDS = env.int("HYDRA_HSTS_SECONDS", default=31_536_000) if BEHIND_TLS_PROXY else 0

# Content-Security-Policy (django-csp): scripts only from Hydra itself or with the request's
# nonce; plotly and htmx set inline styles, so styles may be inline (no script can)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF, CSP_NONCE],
        "style-src": [CSP_SELF, "'unsafe-inline'"],
        "img-src": [CSP_SELF, "data:", "blob:"],
        "font-src": [CSP_SELF, "data:"],
        "connect-src": [CSP_SELF],
        "worker-src": [CSP_SELF, "blob:"],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "core.api.permissions.TokenScopePermission",  # a read-only token only reads
        "core.api.permissions.RolePermission",  # the user's role (core/roles.py) allows it
    ],
    "DEFAULT_THROTTLE_CLASSES": ["core.api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env("HYDRA_API_THROTTLE_RATE", default="100/s")},
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.HydraAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Hydra API",
    "DESCRIPTION": "Metrics ingestion and queries, alerts, forecasts and load tests.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TAGS": [  # one per app (core.api.schema.HydraAutoSchema.get_tags)
        {"name": "health", "description": "Is Hydra up: database, Redis, worker (no token)."},
        {"name": "tokens", "description": "The caller's API tokens."},
        {"name": "metrics", "description": "Ingestion (JSON, line protocol), queries, series."},
        {"name": "alerts", "description": "Alert rules and their backtest, alerts, silences."},
        {"name": "forecasting", "description": "Forecast settings, forecasts, time to breach."},
        {"name": "load tests", "description": "Scenarios, runs, capacity training."},
        {
            "name": "prometheus",
            "description": "Prometheus remote write, OTLP/HTTP metrics, scrape targets, and "
            "the Prometheus HTTP API (PromQL) under /prometheus.",
        },
        {
            "name": "dashboards",
            "description": "What the pages' charts read: histogram percentiles.",
        },
    ],
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True},
}

# Celery: broker is Redis in full mode; in embedded mode tasks never reach a broker
# (core.dispatch runs them in-process), "memory://" only keeps Celery's API happy.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "alerts.tasks.detect_*": {"queue": "detection"},
    # a slow webhook must not hold the slots that evaluate rules: sends have their own queue
    "alerts.tasks.notification_send": {"queue": "notifications"},
    "forecasting.tasks.*": {"queue": "forecasting"},
    "scenarios.tasks.run_*": {"queue": "scenarios"},
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ACKS_LATE = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "UTC"


def beat_entry(task: str, seconds: float, **options) -> dict:
    """A beat entry whose message expires just before the next run, so missed runs don't pile up."""
    return {
        "task": task,
        "schedule": timedelta(seconds=seconds),
        "options": {"expires": max(1.0, seconds * 0.9), **options},
    }


CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": beat_entry("core.tasks.heartbeat", 15),
    "metrics-rollups": beat_entry("metrics.tasks.rollups_update", 60),
    "metrics-retention": beat_entry("metrics.tasks.retention_enforce", 86400),
    "metrics-compact": beat_entry("metrics.tasks.compact_points", 900),
    "alerts-evaluate": beat_entry("alerts.tasks.evaluate_rules", 15),
    "alerts-notifications": beat_entry("alerts.tasks.notifications_sweep", 10),
    "alerts-dispatch": beat_entry("alerts.tasks.dispatch_notifications", 5),
    "alerts-detect": beat_entry("alerts.tasks.detect_anomalies", 60),
    "forecasting-run-due": beat_entry(
        "forecasting.tasks.run_due_forecasts", env.int("HYDRA_FORECAST_CHECK_INTERVAL", default=300)
    ),
    "forecasting-prune": beat_entry("forecasting.tasks.prune_forecasts", 3600),
    "scenarios-reap": beat_entry("scenarios.tasks.reap_stale_runs", 60),
}
HYDRA_EMBEDDED_SCHEDULER = env.bool("HYDRA_EMBEDDED_SCHEDULER", default=HYDRA_EMBEDDED_TASKS)
HYDRA_EMBEDDED_WORKERS = env.int("HYDRA_EMBEDDED_WORKERS", default=4)
HYDRA_WORKER_STALE_AFTER = env.int("HYDRA_WORKER_STALE_AFTER", default=60)

PROMETHEUS_EXPORT_MIGRATIONS = False
# Metrics storage and ingestion
# raw points: the hot table plus the compressed chunks of what is older than the hot window
HYDRA_RETENTION_RAW = env_duration("HYDRA_RETENTION_RAW", "365d")
HYDRA_HOT_WINDOW = env_duration("HYDRA_HOT_WINDOW", "2h")
HYDRA_RETENTION_1M = env_duration("HYDRA_RETENTION_1M", "90d")
HYDRA_RETENTION_1H = env_duration("HYDRA_RETENTION_1H", "730d")
HYDRA_INGEST_MAX_FUTURE = env_duration("HYDRA_INGEST_MAX_FUTURE", "10m")
# Notifications: the URL of Hydra's UI in notifications (Alertmanager's externalURL)
HYDRA_EXTERNAL_URL = env("HYDRA_EXTERNAL_URL", default="http://localhost:8000")
HYDRA_INGEST_MAX_BYTES = env.int("HYDRA_INGEST_MAX_BYTES", default=10 * 1024 * 1024)
HYDRA_INGEST_MAX_POINTS = env.int("HYDRA_INGEST_MAX_POINTS", default=100_000)
HYDRA_MAX_SERIES_PER_METRIC = env.int("HYDRA_MAX_SERIES_PER_METRIC", default=10_000)
HYDRA_RETENTION_BATCH = env.int("HYDRA_RETENTION_BATCH", default=50_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = HYDRA_INGEST_MAX_BYTES + 1024  # the view answers 413 itself
# token-authenticated ingestion batches skip Django's request/middleware/DRF machinery
# (metrics/api/ingest_front.py), served by this many threads per web process
HYDRA_INGEST_FRONT = env.bool("HYDRA_INGEST_FRONT", default=True)
HYDRA_INGEST_THREADS = env.int("HYDRA_INGEST_THREADS", default=8)
# Scraping (prom/scraper): the body cap per scrape, how often targets are re-read, and
# whether the web process scrapes in a thread (embedded mode; full mode runs `scrape`)
HYDRA_SCRAPE_MAX_BYTES = env.int("HYDRA_SCRAPE_MAX_BYTES", default=10 * 1024 * 1024)
HYDRA_SCRAPE_RELOAD = env_duration("HYDRA_SCRAPE_RELOAD", "30s")
HYDRA_SCRAPE_IN_WEB = env.bool("HYDRA_SCRAPE_IN_WEB", default=HYDRA_EMBEDDED_SCHEDULER)

# PromQL (the Prometheus HTTP API under /prometheus, explore, panels, PromQL alert rules)
HYDRA_PROMQL_LOOKBACK = env_duration("HYDRA_PROMQL_LOOKBACK", "5m")
HYDRA_PROMQL_TIMEOUT = env_duration("HYDRA_PROMQL_TIMEOUT", "2m")
HYDRA_PROMQL_MAX_SERIES_PER_SELECTOR = env.int(
    "HYDRA_PROMQL_MAX_SERIES_PER_SELECTOR", default=100_000
)
HYDRA_PROMQL_MAX_SAMPLES = env.int("HYDRA_PROMQL_MAX_SAMPLES", default=50_000_000)

# Load tests: which hosts scenarios may target (IPs, CIDRs, names, *.wildcards) and caps
HYDRA_SCENARIO_ALLOWED_HOSTS = env.list(
    "HYDRA_SCENARIO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "::1"]
)
HYDRA_SCENARIO_MAX_VUS = env.int("HYDRA_SCENARIO_MAX_VUS", default=1000)
HYDRA_SCENARIO_MAX_RATE = env.float("HYDRA_SCENARIO_MAX_RATE", default=20_000.0)
HYDRA_SCENARIO_MAX_DURATION = env_duration("HYDRA_SCENARIO_MAX_DURATION", "4h")
HYDRA_SCENARIO_MAX_INFLIGHT = env.int("HYDRA_SCENARIO_MAX_INFLIGHT", default=10_000)
# the target the generator and training forms suggest (make run starts a demo service there)
HYDRA_SCENARIO_DEFAULT_TARGET = env(
    "HYDRA_SCENARIO_DEFAULT_TARGET",
    default=f"http://127.0.0.1:{env('HYDRA_DEMO_TARGET_PORT', default='8090')}/fast",
)
# a running load test whose worker has not reported for this long is marked failed
HYDRA_SCENARIO_STALE_AFTER = env_duration("HYDRA_SCENARIO_STALE_AFTER", "2m")

# Forecasting: forecasts kept per series (older ones are pruned hourly)
HYDRA_FORECAST_KEEP = env.int("HYDRA_FORECAST_KEEP", default=24)

HYDRA_METRICS_ALLOWED_IPS = env.list("HYDRA_METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    # query-string credentials (?p=, ?token=) are redacted from every line (core.redact)
    "filters": {"redact": {"()": "core.redact.RedactingFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("HYDRA_LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "ERROR"},
        "daphne": {"level": "WARNING"},
        "cmdstanpy": {"level": "WARNING"},
        "prophet": {"level": "WARNING"},
    },
}
