"""Configuration from the environment, with safe defaults for a demo on one machine."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from pwe import settings

BODY_LIMIT_BYTES = 256 * 1024
SECRET_KEY_MIN_BYTES = 32
MAKE_A_KEY = 'python -c "import secrets; print(secrets.token_hex(32))"'


def _instance_secret(instance_path: str) -> str:
    """A secret key kept in the instance folder, so a demo's sessions survive a restart."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance_path: str, environ: Mapping[str, str] = os.environ) -> dict:
    """Flask config from the settings (pwe.settings); production refuses to start without a
    SECRET_KEY of at least 32 bytes."""
    values = settings.from_environment(environ)
    env = values["PWE_ENV"]
    if not values["SECRET_KEY"]:
        if env == "production":
            raise settings.SettingError(
                f"SECRET_KEY must be set when PWE_ENV=production. Make one with: {MAKE_A_KEY}"
            )
        values["SECRET_KEY"] = _instance_secret(instance_path)
    key_bytes = len(values["SECRET_KEY"].encode("utf-8"))
    if env == "production" and key_bytes < SECRET_KEY_MIN_BYTES:
        raise settings.SettingError(
            f"SECRET_KEY is {key_bytes} bytes; production needs at least {SECRET_KEY_MIN_BYTES} "
            f"random bytes. Make one with: {MAKE_A_KEY}"
        )
    database_url = values["DATABASE_URL"] or "sqlite:///" + str(Path(instance_path) / "pwe.sqlite3")
    return values | {
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SESSION_COOKIE_SECURE": env == "production" or values["PWE_SECURE_COOKIES"],
    }


def normalise_database_url(url: str) -> str:
    """Let `postgresql://` URLs (as hosting platforms give them) use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


DEFAULTS = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "MAX_CONTENT_LENGTH": BODY_LIMIT_BYTES,
    "MAX_FORM_MEMORY_SIZE": BODY_LIMIT_BYTES,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "pwe_session",
    "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 30,
    "WTF_CSRF_TIME_LIMIT": None,  # the session itself expires; a slow respondent must not lose a page
    "PWE_RANDOM_SEED": None,  # tests fix it to make option orders reproducible
}
