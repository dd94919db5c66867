"""Every setting the platform reads from the environment, declared once as data.

`pwe.config` reads them, docs/settings.md documents them (a test checks that every one is there),
and a new setting is one more entry in SETTINGS: its name, default, meaning and how its text is read.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


class SettingError(ValueError):
    """A setting's value cannot be used; the message names the setting and what to change."""


@dataclass(frozen=True)
class Setting:
    name: str                       # the environment variable, also the Flask config key
    default: Any
    description: str
    read: Callable[[str], Any] = str

    def value(self, environ: Mapping[str, str]) -> Any:
        text = environ.get(self.name, "")
        if text == "":
            return self.default
        try:
            return self.read(text)
        except ValueError as error:
            raise SettingError(f"{self.name}={text[:80]!r}: {error}") from error


def flag(text: str) -> bool:
    """1/true/yes/on or 0/false/no/off, in any case."""
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError("use 1 or 0 (true/false, yes/no, on/off)")


def whole_number(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueError("use a whole number, 0 or more")
    return int(text)


def choice(*allowed: str) -> Callable[[str], str]:
    def read(text: str) -> str:
        if text not in allowed:
            raise ValueError("use one of " + ", ".join(allowed))
        return text
    return read


SETTINGS: tuple[Setting, ...] = (
    Setting("PWE_ENV", "development",
            "`production` requires SECRET_KEY, sets secure cookies and HSTS; `development` "
            "generates a secret key and keeps it in the instance folder.",
            choice("development", "production")),
    Setting("SECRET_KEY", None,
            "Signs the session cookies and CSRF tokens. Required in production; a demo generates "
            "one and keeps it in the instance folder."),
    Setting("DATABASE_URL", None,
            "SQLAlchemy URL of the database; unset: SQLite in the instance folder. "
            "`postgresql://user@host/db` uses psycopg 3 (`pip install -e '.[postgres]'`)."),
    Setting("PWE_INSTANCE_PATH", None,
            "Folder for the SQLite database and the generated secret key; unset: `instance/` "
            "beside the package."),
    Setting("PWE_SECURE_COOKIES", False,
            "Send cookies only over HTTPS outside production too (production always does).",
            flag),
    Setting("REDIS_URL", None,
            "Redis for the rate limits (`redis://host:6379/0`), shared by every app server; unset: "
            "each process counts in its own memory."),
    Setting("PWE_TRUSTED_PROXIES", 0,
            "How many proxies (load balancer, nginx) stand in front of the platform and add the "
            "client address to X-Forwarded-For; 0 uses the connection's address.",
            whole_number),
    Setting("PWE_BASE_URL", "http://127.0.0.1:5000",
            "The platform's public address, used in the invitation links `pwe invitations` writes "
            "(the browser uses the address it was reached at)."),
    Setting("PWE_ADMIN_IDLE_MINUTES", 30,
            "Minutes without activity after which an official's session ends and they log in again.",
            whole_number),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Each setting's value: its environment variable read, or its default."""
    return {setting.name: setting.value(environ) for setting in SETTINGS}
