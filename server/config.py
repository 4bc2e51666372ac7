"""Settings read from the environment when the app is created (never at import time)."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import overload

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Push services of the major browsers; a subscription endpoint elsewhere is refused.
DEFAULT_PUSH_ORIGINS = (
    "https://fcm.googleapis.com",
    "https://updates.push.services.mozilla.com",
    "https://web.push.apple.com",
    "https://wns2-par02p.notify.windows.com",
)


# Enterprise WeChat's group-robot webhooks; a branch's webhook elsewhere is refused.
DEFAULT_WECOM_ORIGINS = ("https://qyapi.weixin.qq.com",)


def _origins(value: str | None, default: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(o.strip().rstrip("/") for o in value.split(",") if o.strip()) if value else default


@overload
def env(name: str, default: str) -> str: ...
@overload
def env(name: str, default: None = None) -> str | None: ...
def env(name: str, default: str | None = None) -> str | None:
    """The one way settings are read: `LOBBYPAD_<NAME>` (or a bare name such as DATABASE_URL)."""
    value = os.environ.get(f"LOBBYPAD_{name}")
    return value if value not in (None, "") else default


def _instance_secret(instance_path: Path, filename: str) -> str:
    """A secret generated once into instance/ (mode 0600), so restarts keep sessions valid."""
    instance_path.mkdir(parents=True, exist_ok=True)
    path = instance_path / filename
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


class Config:
    """Development defaults: embedded SQLite, cookies without Secure on localhost."""

    ENV_NAME = "development"
    STATIC_FOLDER = PROJECT_ROOT / "static"
    SERVICE_WORKER_FILE = PROJECT_ROOT / "service-worker.js"
    MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
    TRANSLATIONS_DIR = PROJECT_ROOT / "server" / "translations"

    def __init__(self, instance_path: Path | None = None) -> None:
        self.INSTANCE_PATH = instance_path or Path(env("INSTANCE_PATH", str(PROJECT_ROOT / "instance")))
        self.SECRET_KEY = self._secret_key()
        # Encrypts customers' phone and ID numbers; losing it makes them unreadable (back it up with the database).
        self.PII_KEY = env("PII_KEY") or _instance_secret(self.INSTANCE_PATH, "pii_key")
        # Keys being rotated out (comma-separated): still read and looked up until the worker re-keyed every row.
        self.PII_KEYS_PREVIOUS = tuple(k.strip() for k in (env("PII_KEYS_PREVIOUS") or "").split(",") if k.strip())
        self.SQLALCHEMY_DATABASE_URI = self._database_url()
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.SESSION_COOKIE_SECURE = self.SECURE_COOKIES
        self.REMEMBER_COOKIE_SECURE = self.SECURE_COOKIES
        self.RATELIMIT_STORAGE_URI = env("RATELIMIT_STORAGE_URI", "memory://")
        self.LOGIN_LIMIT_PER_USERNAME = env("LOGIN_LIMIT_PER_USERNAME", "5 per minute;20 per hour")
        self.LOGIN_LIMIT_PER_ADDRESS = env("LOGIN_LIMIT_PER_ADDRESS", "30 per minute")
        self.SWEEP_SECONDS = float(env("SWEEP_SECONDS", "15"))
        # Times a device reports (consent, calls, skips, notes) must lie within this many days of now.
        self.PLAUSIBLE_DAYS = int(env("PLAUSIBLE_DAYS", "30"))
        # Reverse proxies in front of the app: their X-Forwarded-For gives the client address for rate limits.
        self.PROXY_HOPS = int(env("PROXY_HOPS", "0"))
        # VAPID: a PEM P-256 private key, else one generated into instance/ (server/push/vapid.py).
        self.VAPID_PRIVATE_KEY = env("VAPID_PRIVATE_KEY")
        # Who push services contact about this server (the package sends it as "mailto:<address>").
        self.VAPID_SUBJECT = env("VAPID_SUBJECT", "push-admin@lobbypad.invalid")
        self.PUSH_TIMEOUT_SECONDS = float(env("PUSH_TIMEOUT_SECONDS", "5"))
        # How often the worker looks for notifications to deliver (the sweeps run every SWEEP_SECONDS).
        self.OUTBOX_POLL_SECONDS = float(env("OUTBOX_POLL_SECONDS", "0.5"))
        self.PUSH_ALLOWED_ORIGINS = _origins(env("PUSH_ALLOWED_ORIGINS"), DEFAULT_PUSH_ORIGINS)
        self.WECOM_ALLOWED_ORIGINS = _origins(env("WECOM_ALLOWED_ORIGINS"), DEFAULT_WECOM_ORIGINS)
        # Where staff open the app: the link in Enterprise WeChat messages.
        self.PUBLIC_URL = env("PUBLIC_URL", "http://127.0.0.1:5000").rstrip("/")
        # Checklist photos, re-encoded without their EXIF: kept on disk here, served only to the branch's staff.
        self.PHOTO_DIR = Path(env("PHOTO_DIR", str(self.INSTANCE_PATH / "photos")))

    def _secret_key(self) -> str:
        return env("SECRET_KEY") or _instance_secret(self.INSTANCE_PATH, "secret_key")

    def _database_url(self) -> str:
        url = os.environ.get("DATABASE_URL") or f"sqlite:///{self.INSTANCE_PATH / 'lobbypad.sqlite'}"
        # Heroku-style URLs name the driver "postgres"; we speak psycopg 3.
        for prefix in ("postgres://", "postgresql://"):
            if url.startswith(prefix):
                return "postgresql+psycopg://" + url[len(prefix) :]
        return url

    SECURE_COOKIES = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "lobbypad_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # None: "strong" would sign out a phone each time it changes network, and "basic" only marks sessions
    # not fresh (nothing here asks for a fresh login) by rewriting the cookie of signed-out visitors, whose
    # late answer could then overwrite the cookie of a sign-in made meanwhile.
    SESSION_PROTECTION = None
    PERMANENT_SESSION_LIFETIME = 12 * 3600  # one long shift
    # Set the cookie only when the session changes: a response to a request still in flight when the user
    # signed out must not put the signed-in cookie back.
    SESSION_REFRESH_EACH_REQUEST = False
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session: the outbox may replay hours later
    WTF_CSRF_HEADERS = ("X-CSRF-Token", "X-CSRFToken")
    WTF_CSRF_SSL_STRICT = False  # same-origin is enforced by SameSite cookies and the token itself
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    BABEL_DEFAULT_LOCALE = "zh"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ("zh", "en")
    MAX_CONTENT_LENGTH = 1024 * 1024
    PHOTO_MAX_BYTES = 10 * 1024 * 1024  # a photo straight from a phone's camera; everything else stays under 1 MB
    RATELIMIT_HEADERS_ENABLED = False  # the 429 answer carries Retry-After itself
    RATELIMIT_ENABLED = True
    SEED_DEMO_ALLOWED = True
    DEMO_CUSTOMERS = 2000
    ARGON2_MEMORY_KIB = 64 * 1024  # argon2-cffi's default (RFC 9106 low-memory profile)


class ProductionConfig(Config):
    """Behind HTTPS: secure cookies, an explicit secret key and no demo data."""

    ENV_NAME = "production"
    SECURE_COOKIES = True
    SEED_DEMO_ALLOWED = False

    def __init__(self) -> None:
        if not env("SECRET_KEY"):
            raise RuntimeError("LOBBYPAD_SECRET_KEY must be set in production")
        super().__init__()


class TestConfig(Config):
    """Tests: the caller passes the database URL; nothing is read from the developer's instance/."""

    __test__ = False  # not a pytest test class
    ENV_NAME = "test"
    TESTING = True
    ARGON2_MEMORY_KIB = 1024  # still Argon2id, cheap enough for hundreds of test logins
    DEMO_CUSTOMERS = 200

    def __init__(self, database_url: str = "sqlite://", instance_path: Path | None = None, **overrides) -> None:
        super().__init__(instance_path or PROJECT_ROOT / "instance" / "test")
        self.SQLALCHEMY_DATABASE_URI = database_url
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.PUSH_ALLOWED_ORIGINS = ()
        self.WECOM_ALLOWED_ORIGINS = ()
        for key, value in overrides.items():
            setattr(self, key, value)

    def _secret_key(self) -> str:
        return "test-secret-key-not-for-production"


CONFIGS = {"development": Config, "production": ProductionConfig}


def load_config(config: Config | None) -> Config:
    """The config object create_app uses: the one given, else the one LOBBYPAD_ENV names."""
    if config is not None:
        return config
    name = env("ENV", "development")
    if name not in CONFIGS:
        raise RuntimeError(f"LOBBYPAD_ENV must be one of {sorted(CONFIGS)}, not {name!r}")
    return CONFIGS[name]()
