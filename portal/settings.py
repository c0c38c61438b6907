"""Settings for the work-plan portal.

Everything comes from the environment, with embedded defaults that need nothing installed:
SQLite in the project folder and Celery jobs run in process. Set DATABASE_URL for
PostgreSQL and CELERY_BROKER_URL (or REDIS_URL) for a real broker with separate workers.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
# The embedded key is for local development only: production refuses to start without its own.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", _DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tables2",
    "django_filters",
    "import_export",
    "simple_history",
    "axes",
    "units",
    "tasks",
    "indicators",
    "portal",
    "portal.imports",
    "portal.dashboards",
    "portal.supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseFirstLocaleMiddleware",
    "portal.middleware.DebugErrorPagesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.AnonymousBodyLimitMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
# Bounded waits: a database that accepts and never answers must not hang every request, nor
# one statement hold a web worker past gunicorn's timeout (workers running long rebuilds may set
# DATABASE_STATEMENT_TIMEOUT_MS=0, no limit).
DATABASE_CONNECT_TIMEOUT = int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5"))  # seconds
DATABASE_STATEMENT_TIMEOUT_MS = int(os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", "30000"))
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        connect_timeout=DATABASE_CONNECT_TIMEOUT, options=f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
    )
# What a request may carry before its sender has logged in (bytes), and how many uploads
# (ledgers, plan texts) and report saves one user may send: (how many, per seconds).
ANONYMOUS_MAX_BODY_BYTES = int(os.environ.get("ANONYMOUS_MAX_BODY_BYTES", str(64 * 1024)))
# The plan-text page (方案生成台账) drafts in the request up to DRAFTING_MAX_CHARACTERS; a longer
# text goes to a Celery job, up to DRAFTING_JOB_MAX_CHARACTERS (characters, both).
DRAFTING_MAX_CHARACTERS = int(os.environ.get("DRAFTING_MAX_CHARACTERS", "100000"))
DRAFTING_JOB_MAX_CHARACTERS = int(os.environ.get("DRAFTING_JOB_MAX_CHARACTERS", "500000"))
RATE_LIMITS = {
    "upload": (int(os.environ.get("RATE_LIMIT_UPLOADS_PER_HOUR", "60")), 3600),
    "save": (int(os.environ.get("RATE_LIMIT_SAVES_PER_MINUTE", "60")), 60),
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
CSRF_FAILURE_VIEW = "portal.views.csrf_failure"
# With DEBUG on, the portal's own 404 and 500 pages (portal.middleware); 0 for Django's.
DEBUG_ERROR_PAGES = env_bool("DEBUG_ERROR_PAGES", True)
LOGOUT_REDIRECT_URL = "login"

# django-axes: lock a username+address after repeated failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Headers and sessions: a policy the pages pass (scripts only from our static files; styles
# also inline, for progress bars, charts and htmx's indicator), and a session that ends after
# SESSION_IDLE_SECONDS without a request (2 hours by default).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(2 * 3600)))
SESSION_SAVE_EVERY_REQUEST = True  # each request starts the idle time again
# How many proxies in front add to X-Forwarded-For (0: none, REMOTE_ADDR is the client).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "portal.clientip.client_ip"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_LOCKOUT_TEMPLATE = "reporting/locked_out.html"  # a clear message in Chinese, status 429
AXES_HTTP_RESPONSE_CODE = 429

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# In development the files are served from static/ as they are; production serves the
# collected, compressed and hashed copies under gunicorn.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"

DJANGO_TABLES2_TEMPLATE = "django_tables2/bootstrap5.html"
IMPORT_EXPORT_USE_TRANSACTIONS = True

# Celery: with no broker configured, jobs run in process (the embedded demo).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL") or ""
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
if not CELERY_BROKER_URL:
    CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None

# The cache (dashboard bodies and their versions, API rate counts, the replica pin): shared
# by every web process and worker, in Redis — CACHE_URL (redis://host:6379/2), or else the
# broker's Redis with the database number CACHE_REDIS_DB (by default the broker's plus one) when
# DEBUG is off. With DEBUG on (development, the tests: they clear the cache, a FLUSHDB on
# Redis, which must not hit a database someone else uses), with no Redis broker (`make run`,
# Sentinel, RabbitMQ) and no CACHE_URL: each process's own memory; CACHE_URL=locmem:// asks
# for that whatever the rest.
_REDIS_CACHE = "django.core.cache.backends.redis.RedisCache"


def _cache_location() -> str:
    explicit = os.environ.get("CACHE_URL", "").strip()
    if explicit:
        return "" if explicit.startswith("locmem:") else explicit
    if DEBUG or not CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        return ""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(CELERY_BROKER_URL)
    path = parts.path.strip("/")
    db = os.environ.get("CACHE_REDIS_DB", "").strip() or str((int(path) if path.isdigit() else 0) + 1)
    return urlunsplit((parts.scheme, parts.netloc, f"/{int(db)}", parts.query, ""))


if _cache_location():
    CACHES = {"default": {
        "BACKEND": _REDIS_CACHE, "LOCATION": _cache_location(), "KEY_PREFIX": "portal",
        # A cache that does not answer must not hold a request for long.
        "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
    }}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "portal"}}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    # Progress reporting: find missing and late reports every morning, remind, escalate.
    "reporting-reminders": {
        "task": "indicators.tasks.reminders_send_task",
        "schedule": crontab(hour=9, minute=0),
    },
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# Progress reporting (indicators): when a period's report is due, when reminders go out,
# what evidence files may be.
REPORTING_DUE_DAY = int(os.environ.get("REPORTING_DUE_DAY", "5"))  # day of the month after the period
REPORTING_REMIND_DAYS_BEFORE_DUE = int(os.environ.get("REPORTING_REMIND_DAYS_BEFORE_DUE", "3"))
REPORTING_ESCALATE_AFTER_DAYS = int(os.environ.get("REPORTING_ESCALATE_AFTER_DAYS", "5"))  # days after the due date
REPORTING_EVIDENCE_MAX_BYTES = int(os.environ.get("REPORTING_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
REPORTING_EVIDENCE_MAX_FILES = 10  # per report
# What one user's evidence files may take on the disk, all reports together.
REPORTING_EVIDENCE_QUOTA_BYTES = int(os.environ.get("REPORTING_EVIDENCE_QUOTA_BYTES", str(200 * 1024 * 1024)))

# Rollups and dashboards (portal.dashboards): a change marks its measures dirty and queues
# a recompute a little later, so that a burst of approvals is one job; a sweep every minute
# catches what could not be queued (broker down, worker killed); a nightly full rebuild adds
# the new month and repairs any drift.
ROLLUP_DEBOUNCE_SECONDS = float(os.environ.get("ROLLUP_DEBOUNCE_SECONDS", "2"))
# A dashboard's body is kept in the cache (0: never cached) until a rollup changes what it
# shows: with a shared cache, each city, plan, programme and unit has its version there, which
# a rollup job bumps for the scopes it wrote (portal.dashboards.versions); with a cache of
# each process's own (local memory), the latest rollup run dates every page, as the web
# processes cannot hear a worker's bumps.
DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "600"))
DASHBOARD_CACHE_SCOPED = env_bool("DASHBOARD_CACHE_SCOPED", CACHES["default"]["BACKEND"] == _REDIS_CACHE)
CELERY_BEAT_SCHEDULE["rollups-sweep-dirty"] = {"task": "dashboards.recompute_dirty", "schedule": 60.0}
CELERY_BEAT_SCHEDULE["rollups-rebuild"] = {"task": "dashboards.rebuild", "schedule": crontab(hour=2, minute=30)}

# Ledger import (portal.imports): what one upload may hold. An xlsx is a zip: its declared
# unpacked size and entry count are checked before it is opened (zip bombs).
IMPORTS_MAX_FILE_BYTES = int(os.environ.get("IMPORTS_MAX_FILE_BYTES", str(20 * 1024 * 1024)))
IMPORTS_MAX_UNZIPPED_BYTES = int(os.environ.get("IMPORTS_MAX_UNZIPPED_BYTES", str(200 * 1024 * 1024)))
IMPORTS_MAX_ZIP_ENTRIES = int(os.environ.get("IMPORTS_MAX_ZIP_ENTRIES", "500"))
IMPORTS_MAX_ROWS = int(os.environ.get("IMPORTS_MAX_ROWS", "50000"))
# Import jobs survive a broker outage and a dead worker (portal.imports.services): beat's sweep
# sends again a job that waited this long for a worker, and resumes one whose worker died (on
# SQLite: whose claim is older than the stale limit), failing it after so many attempts.
IMPORTS_RESEND_AFTER_SECONDS = int(os.environ.get("IMPORTS_RESEND_AFTER_SECONDS", "60"))
IMPORTS_STALE_AFTER_SECONDS = int(os.environ.get("IMPORTS_STALE_AFTER_SECONDS", "3600"))
IMPORTS_MAX_ATTEMPTS = int(os.environ.get("IMPORTS_MAX_ATTEMPTS", "3"))
CELERY_BEAT_SCHEDULE["imports-sweep"] = {"task": "imports.sweep", "schedule": 60.0}

# Where the seed ledgers and reference data live (load_demo reads them).
FIXTURES_ROOT = BASE_DIR / "fixtures"

# 督办 (portal.supervision): notices repeated and escalated, warnings N days ahead, quiet
# hours (no sends from 22:00 to 08:00), webhooks retried with exponential backoff. Its own
# beat entry runs hourly beside the reporting reminders.
SUPERVISION_WARN_DAYS_BEFORE = int(os.environ.get("SUPERVISION_WARN_DAYS_BEFORE", "3"))
SUPERVISION_ESCALATE_AFTER_DAYS = int(os.environ.get("SUPERVISION_ESCALATE_AFTER_DAYS", "3"))
SUPERVISION_QUIET_HOURS = (22, 8)
SUPERVISION_WEBHOOK_RETRIES = int(os.environ.get("SUPERVISION_WEBHOOK_RETRIES", "4"))
SUPERVISION_WEBHOOK_BACKOFF = float(os.environ.get("SUPERVISION_WEBHOOK_BACKOFF", "30"))  # seconds, doubled per retry
SUPERVISION_WEBHOOK_TIMEOUT = float(os.environ.get("SUPERVISION_WEBHOOK_TIMEOUT", "10"))
SUPERVISION_SITE_URL = os.environ.get("SUPERVISION_SITE_URL", "")  # links in webhook messages
CELERY_BEAT_SCHEDULE["supervision-alerts"] = {"task": "supervision.daily", "schedule": crontab(minute=5)}
CELERY_BEAT_SCHEDULE["supervision-scores"] = {"task": "supervision.scores", "schedule": crontab(hour=3, minute=0)}

# --- Health probes and structured logs (#15) ----------------------------------------------
# /healthz and /readyz are answered first of all (portal.health). /readyz reports the age of
# the oldest dirty rollup mark; past this many seconds it also fails (0: only reported).
MIDDLEWARE.insert(0, "portal.health.HealthMiddleware")
READYZ_DIRTY_MAX_AGE_SECONDS = int(os.environ.get("READYZ_DIRTY_MAX_AGE_SECONDS", "0"))
# LOG_FORMAT=json: one JSON object a line; LOG_REQUESTS=1: one line per request (on with JSON).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
LOG_REQUESTS = env_bool("LOG_REQUESTS", LOG_FORMAT == "json")
if LOG_FORMAT == "json":
    LOGGING["formatters"] = {"json": {"()": "portal.logs.JsonFormatter"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
if LOG_REQUESTS:
    MIDDLEWARE.insert(1, "portal.logs.RequestLogMiddleware")
    LOGGING.setdefault("loggers", {})["portal.request"] = {"level": "INFO"}

# --- Celery queues and brokers (#15) --------------------------------------------------------
# One queue per kind of work, so that a 20,000-row import never delays a recompute: run
# `celery -A portal worker -Q rollups` (and imports, notifications, default) where they fit.
# A worker started without -Q consumes every queue below (the embedded and the test setups).
from kombu import Queue  # noqa: E402

CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_QUEUES = [Queue(name) for name in ("default", "imports", "rollups", "notifications")]
CELERY_TASK_ROUTES = {
    "portal.imports.tasks.*": {"queue": "imports"},
    "dashboards.*": {"queue": "rollups"},
    "indicators.tasks.*": {"queue": "notifications"},
    "portal.supervision.tasks.*": {"queue": "notifications"},
}
# Redis Sentinel: CELERY_BROKER_URL=sentinel://10.0.0.1:26379;sentinel://10.0.0.2:26379/0 and
# the name of the monitored master (CELERY_SENTINEL_MASTER).
if CELERY_BROKER_URL.startswith("sentinel://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **globals().get("CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        "master_name": os.environ.get("CELERY_SENTINEL_MASTER", "mymaster"),
    }
    if os.environ.get("CELERY_SENTINEL_PASSWORD"):
        CELERY_BROKER_TRANSPORT_OPTIONS["sentinel_kwargs"] = {"password": os.environ["CELERY_SENTINEL_PASSWORD"]}

# --- REST API (#15): DRF + drf-spectacular under /api/, per-user tokens ----------------------
INSTALLED_APPS += ["rest_framework", "drf_spectacular", "drf_spectacular_sidecar", "portal.api"]
API_TOKEN_MAX_DAYS = int(os.environ.get("API_TOKEN_MAX_DAYS", "366"))
API_RATE_PER_TOKEN = os.environ.get("API_RATE_PER_TOKEN", "600/min")  # per token, per user's session, per address
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # the docs page, tried in the browser
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["portal.api.throttling.TokenRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": _("工作方案督办平台 数据接口"),
    "DESCRIPTION": _("各市人社局工作方案、任务、措施、目标、填报与审核、驾驶舱汇总数据。"
                     "认证：请求头 Authorization: Bearer <令牌>（管理员在“接口令牌”页面签发）。"
                     "列表按游标分页（next / previous）。英文版：?lang=en。"),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",  # vendored: the docs work with no internet
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

# --- A primary and read replicas (#15): portal.db ---------------------------------------------
# DATABASE_REPLICA_URLS=postgres://…@replica1/portal,postgres://…@replica2/portal. Dashboards,
# exports and API reads go to a replica; a client that has just written reads from the primary
# for DATABASE_REPLICA_PIN_SECONDS; Celery jobs (the rollups) use the primary only.
DATABASE_REPLICAS: list[str] = []
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS", ""), start=1):
    _alias = "replica" if _number == 1 else f"replica{_number}"
    DATABASES[_alias] = {**dj_database_url.parse(_url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0"))),
                         "TEST": {"MIRROR": "default"}}
    DATABASE_REPLICAS.append(_alias)
DATABASE_ROUTERS = ["portal.db.PrimaryReplicaRouter"]
DATABASE_REPLICA_PIN_SECONDS = float(os.environ.get("DATABASE_REPLICA_PIN_SECONDS", "5"))
DATABASE_REPLICA_PATHS = [r"^/dashboards/", r"^/api/", r"/export/$"]
MIDDLEWARE.append("portal.db.ReplicaReadsMiddleware")
