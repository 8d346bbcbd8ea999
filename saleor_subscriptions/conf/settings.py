"""Django settings, read from the environment only (see the table in README.md).

The embedded default (nothing set) is a SQLite file and a file-system Celery broker under ./var/, so the app
runs with no server installed; production sets DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis).
A wrong value raises ConfigError, whose message is one line naming the variable.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from saleor_subscriptions.conf.env import ConfigError, Env

env = Env()

VAR_DIR = env.path("VAR_DIR", Path.cwd() / "var")
DEBUG = env.boolean("DEBUG", False)


def _secret_key() -> str:
    configured = env.raw("SECRET_KEY")
    if configured is not None:
        if len(configured) < 32:
            raise ConfigError("SECRET_KEY", "must be at least 32 characters long")
        return configured
    # The embedded default keeps a random key in ./var so sessions and signed links survive a restart.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _database(url: str) -> dict[str, Any]:
    scheme = url.split(":", 1)[0]
    if scheme not in ("postgres", "postgresql", "pgsql", "sqlite"):
        raise ConfigError("DATABASE_URL", f"scheme must be postgres:// or sqlite://, got {scheme!r}")
    try:
        config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except (ValueError, KeyError) as exc:
        raise ConfigError("DATABASE_URL", f"cannot be parsed: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
        config["CONN_MAX_AGE"] = 0
    elif not config.get("NAME"):
        raise ConfigError("DATABASE_URL", "names no database")
    return config


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.csv("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
APP_URL = env.url("APP_URL", "http://127.0.0.1:8000", schemes=("http", "https"))
DATABASES = {"default": _database(env.string("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"))}

TIME_ZONE = "UTC"
USE_TZ = True
DEFAULT_TIME_ZONE = env.time_zone("DEFAULT_TIME_ZONE", "UTC")
LANGUAGE_CODE = env.choice("DEFAULT_LANGUAGE", "en", ("en", "nl"))
LANGUAGES = [("en", "English"), ("nl", "Nederlands")]
USE_I18N = True
BILLING_DUE_HOUR = env.integer("BILLING_DUE_HOUR", 6, minimum=0, maximum=23)

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "saleor_subscriptions.tenants",
    "saleor_subscriptions.catalog",
    "saleor_subscriptions.discounts",
    "saleor_subscriptions.subscriptions",
    "saleor_subscriptions.invoicing",
    "saleor_subscriptions.renewals",
    "saleor_subscriptions.notifications",
    "saleor_subscriptions.reports",
    "saleor_subscriptions.jobs",
    "saleor_subscriptions.outbound_events",
    "saleor_subscriptions.saleor",
    "saleor_subscriptions.payments",
    "saleor_subscriptions.event_delivery",
    "saleor_subscriptions.payments.stripe_webhooks",
    "saleor_subscriptions.paypage",
    "saleor_subscriptions.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "saleor_subscriptions.conf.urls"
WSGI_APPLICATION = "saleor_subscriptions.conf.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

# The largest body /graphql/ reads (REQUEST_TOO_LARGE above it).
API_MAX_BODY_BYTES = env.integer("API_MAX_BODY_BYTES", 65_536, minimum=1_024, maximum=2_621_440)

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"

LOG_LEVEL = env.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # Pay links are bearer links: no log line keeps their token (paypage/log_redaction.py).
    "filters": {"pay_links": {"()": "saleor_subscriptions.paypage.log_redaction.RedactLinkTokens"}},
    "handlers": {
        "console": {
            "class": "saleor_subscriptions.conf.logs.StandardErrorHandler",
            "formatter": "plain",
            "filters": ["pay_links"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own loggers (request errors, runserver's request lines) go through the console handler above,
    # not Django's default handlers, which would write the paths unfiltered.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
    },
}

# Celery: Redis (or RabbitMQ) in production; the embedded default is a broker on the file system.
CELERY_BROKER_URL = env.url(
    "CELERY_BROKER_URL",
    "filesystem://",
    schemes=("redis", "rediss", "amqp", "pyamqp", "filesystem", "memory"),
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.boolean("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILE = VAR_DIR / "celerybeat-schedule"

# --- Email (notifications) ----------------------------------------------------------------------------
# EMAIL_URL: console:// (the embedded default, printed to the log), smtp://, smtp+tls:// or smtp+ssl://
# (user:password@host:port); DEFAULT_FROM_EMAIL is the sender of an installation without its own.
from saleor_subscriptions.conf.email import parse_email_url, parse_from_email  # noqa: E402

_email = parse_email_url(env.string("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email.backend
EMAIL_HOST, EMAIL_PORT = _email.host, _email.port
EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _email.user, _email.password
EMAIL_USE_TLS, EMAIL_USE_SSL = _email.use_tls, _email.use_ssl
EMAIL_TIMEOUT = env.integer("EMAIL_TIMEOUT", 30, minimum=1, maximum=600)
DEFAULT_FROM_EMAIL = env.parsed("DEFAULT_FROM_EMAIL", "subscriptions@localhost", parse_from_email)

# --- Renewals ------------------------------------------------------------------------------------------
RENEWAL_BATCH_SIZE = env.integer("RENEWAL_BATCH_SIZE", 200, minimum=1, maximum=5000)

# --- Deployment safety: the renewal ports, the test hooks, the beat schedule ----------------------------
from saleor_subscriptions.conf.deployment import (  # noqa: E402
    parse_renewal_ports,
    refuse_crash_plan_without_test_hooks,
    test_hooks,
)

# RENEWAL_PORTS: "module:function" returning the order sink, gateway and notifier renewals use; by default
# Saleor orders and Stripe charges. In-memory ports never bill a live installation (renewals.wiring).
RENEWAL_PORTS = env.parsed(
    "RENEWAL_PORTS", "saleor_subscriptions.conf.ports:saleor_ports", parse_renewal_ports
)
# Test hooks (crash injection, in-memory ports for live installations): tests and benchmarks only, never
# with an https APP_URL; SALEOR_SUBSCRIPTIONS_CRASH_AT without them stops start-up.
TEST_HOOKS = test_hooks(env, APP_URL)
refuse_crash_plan_without_test_hooks(env, TEST_HOOKS)


def _fernet_keys(value: str) -> list[str]:
    import base64
    import binascii

    keys = [item.strip() for item in value.split(",") if item.strip()]
    for key in keys:
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError):
            raw = b""
        if len(raw) != 32:
            raise ValueError("each key must be 32 url-safe base64-encoded bytes (a Fernet key)")
    return keys


# Saleor: app tokens encrypted at rest with the first of these Fernet keys (empty: derived from SECRET_KEY).
APP_TOKEN_KEYS: list[str] = env.parsed("APP_TOKEN_KEYS", [], _fernet_keys)
# Saleor API URLs allowed to install the app, matched by scheme, host, port and path
# (https://*.saleor.cloud/graphql/: `*.` stands for whole leftmost labels); empty: any public Saleor.
SALEOR_ALLOWED_API_URLS = env.csv("SALEOR_ALLOWED_API_URLS", [])
# Without an allow-list, a Saleor on a private, loopback or link-local address is refused unless this is on.
SALEOR_ALLOW_PRIVATE_NETWORKS = env.boolean("SALEOR_ALLOW_PRIVATE_NETWORKS", False)
SALEOR_TIMEOUT_S = env.integer("SALEOR_TIMEOUT_S", 15, minimum=1, maximum=300)
SALEOR_RETRIES = env.integer("SALEOR_RETRIES", 3, minimum=0, maximum=10)
# Shown in Saleor's app list (the manifest's homepageUrl and supportUrl); empty: APP_URL.
APP_HOMEPAGE_URL = env.url("APP_HOMEPAGE_URL", "", schemes=("http", "https"))
APP_SUPPORT_URL = env.url("APP_SUPPORT_URL", "", schemes=("http", "https"))

# Stripe: where the stripe library sends its requests (tests point it at the fake Stripe server).
STRIPE_API_BASE = env.url("STRIPE_API_BASE", "https://api.stripe.com", schemes=("http", "https"))
STRIPE_NETWORK_RETRIES = env.integer("STRIPE_NETWORK_RETRIES", 2, minimum=0, maximum=10)
STRIPE_TIMEOUT_S = env.integer("STRIPE_TIMEOUT_S", 30, minimum=1, maximum=120)
# How old a Stripe webhook's signed timestamp may be (Stripe's own libraries use 300 s).
STRIPE_WEBHOOK_TOLERANCE_S = env.integer("STRIPE_WEBHOOK_TOLERANCE_S", 300, minimum=30, maximum=3600)
# How long a pay link in a payment-failed email stays usable.
PAY_LINK_MAX_AGE_DAYS = env.integer("PAY_LINK_MAX_AGE_DAYS", 30, minimum=1, maximum=365)
# The customer portal's session: ended after this many idle minutes, and this many hours after it opened.
PORTAL_IDLE_MINUTES = env.integer("PORTAL_IDLE_MINUTES", 30, minimum=5, maximum=720)
PORTAL_SESSION_HOURS = env.integer("PORTAL_SESSION_HOURS", 12, minimum=1, maximum=72)
# The portal's forms carry Django's CSRF token (its views are csrf_protect'ed; the API and webhooks are not).
CSRF_COOKIE_SECURE = str(APP_URL).startswith("https://")
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = ["/".join(str(APP_URL).split("/")[:3])]
