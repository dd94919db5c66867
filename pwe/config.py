"""Configuration from the environment, with safe defaults for a demo on one machine."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

BODY_LIMIT_BYTES = 256 * 1024


def _instance_secret(instance_path: str) -> str:
    """A secret key kept in the instance folder, so a demo's sessions survive a restart."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance_path: str) -> dict:
    """Settings for create_app; production (PWE_ENV=production) refuses to start without SECRET_KEY."""
    env = os.environ.get("PWE_ENV", "development")
    secret = os.environ.get("SECRET_KEY")
    if not secret:
        if env == "production":
            raise RuntimeError("SECRET_KEY must be set when PWE_ENV=production")
        secret = _instance_secret(instance_path)
    database_url = os.environ.get("DATABASE_URL") or (
        "sqlite:///" + str(Path(instance_path) / "pwe.sqlite3")
    )
    return {
        "PWE_ENV": env,
        "SECRET_KEY": secret,
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        "SESSION_COOKIE_SECURE": env == "production" or os.environ.get("PWE_SECURE_COOKIES") == "1",
    }


def normalise_database_url(url: str) -> str:
    """Let `postgresql://` URLs (as hosting platforms give them) use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
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
