"""Every setting the platform reads from the environment, declared once as data.

`pwe.config` reads them, docs/settings.md documents them (a test checks that every one is there),
and a new setting is one more entry in SETTINGS: its name, default, meaning and how its text is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from limits import parse_many


class SettingError(ValueError):
    """A setting's value cannot be used; the message names the setting and what to change."""


@dataclass(frozen=True)
class Setting:
    name: str  # the environment variable, also the Flask config key
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


RATE_LIMIT_OFF = "off"
_DURATION = re.compile(r"(\d{1,6})([mhdw])", re.ASCII)
_DURATION_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def rate_limit(text: str) -> str:
    """`off`, or limits in Flask-Limiter's notation such as `20/minute;200/hour`."""
    text = text.strip()
    if text.lower() == RATE_LIMIT_OFF:
        return RATE_LIMIT_OFF
    try:
        parse_many(text)
    except ValueError:
        raise ValueError(
            "use off, or limits such as 20/minute;200/hour;1000/day (a number, a "
            "slash and second, minute, hour or day; several separated by ;)"
        ) from None
    return text


def duration(text: str) -> timedelta:
    """A span of time written as a number and a unit: 30m, 12h, 7d or 2w."""
    match = _DURATION.fullmatch(text.strip())
    if not match or int(match.group(1)) == 0:
        raise ValueError("use a number above 0 and a unit m, h, d or w, such as 30m, 12h, 7d or 2w")
    return timedelta(**{_DURATION_UNITS[match.group(2)]: int(match.group(1))})


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "PWE_ENV",
        "development",
        "`production` requires SECRET_KEY, sets secure cookies and HSTS; `development` "
        "generates a secret key and keeps it in the instance folder.",
        choice("development", "production"),
    ),
    Setting(
        "SECRET_KEY",
        None,
        "Signs the session cookies and CSRF tokens. Required in production; a demo generates "
        "one and keeps it in the instance folder.",
    ),
    Setting(
        "DATABASE_URL",
        None,
        "SQLAlchemy URL of the database; unset: SQLite in the instance folder. "
        "`postgresql://user@host/db` uses psycopg 3 (`pip install -e '.[postgres]'`).",
    ),
    Setting(
        "PWE_INSTANCE_PATH",
        None,
        "Folder for the SQLite database and the generated secret key; unset: `instance/` beside the package.",
    ),
    Setting(
        "PWE_SECURE_COOKIES",
        False,
        "Send cookies only over HTTPS outside production too (production always does).",
        flag,
    ),
    Setting(
        "REDIS_URL",
        None,
        "Redis for the rate limits (`redis://host:6379/0`), shared by every app server; unset: "
        "each process counts in its own memory.",
    ),
    Setting(
        "PWE_TRUSTED_PROXIES",
        0,
        "How many proxies (load balancer, nginx) stand in front of the platform and add the "
        "client address to X-Forwarded-For; 0 uses the connection's address.",
        whole_number,
    ),
    Setting(
        "PWE_RATE_LIMIT",
        "20/minute;200/hour;1000/day",
        "How often one client address may start a consultation and, counted apart, send a "
        "final advice, in Flask-Limiter's notation (`N/second|minute|hour|day`, several "
        "separated by `;`); `off` disables both, e.g. for a load test from one machine.",
        rate_limit,
    ),
    Setting(
        "PWE_PRUNE_AFTER",
        timedelta(days=30),
        "`pwe prune` removes unfinished respondents with no activity for this long (`12h`, "
        "`7d`, `2w`); the default equals the session cookie's lifetime, after which nobody "
        "can come back to them.",
        duration,
    ),
    Setting(
        "PWE_PRUNE_EVERY",
        None,
        "When set (`1h`, `1d`), each app process also prunes at most once per this interval, "
        "after answering a request; unset: only `pwe prune` (from cron or a systemd timer).",
        duration,
    ),
    Setting(
        "PWE_METRICS_TOKEN",
        None,
        "Bearer token that lets a Prometheus server elsewhere read `/metrics` "
        "(`Authorization: Bearer TOKEN`); unset: only loopback clients may read it.",
    ),
    Setting(
        "PROMETHEUS_MULTIPROC_DIR",
        None,
        "Folder where gunicorn's workers share their metrics; gunicorn.conf.py sets and empties "
        "it. Unset: the process reports its own counts only (one process, as `pwe serve`).",
    ),
    Setting(
        "PWE_BASE_URL",
        "http://127.0.0.1:5000",
        "The platform's public address, used in the invitation links `pwe invitations` writes "
        "(the browser uses the address it was reached at).",
    ),
    Setting(
        "PWE_ORGANISATION",
        "",
        "The organisation that runs the platform, in the footer; a consultation's `organiser` "
        "takes its place on that consultation's pages.",
    ),
    Setting(
        "PWE_CONTACT",
        "",
        "How to reach the organisation that runs the platform (e-mail, phone), in the footer and "
        "on the privacy page; a consultation's `contact` takes its place there.",
    ),
    Setting(
        "PWE_ADMIN_IDLE_MINUTES",
        30,
        "Minutes without activity after which an official's session ends and they log in again.",
        whole_number,
    ),
)

BY_NAME = {setting.name: setting for setting in SETTINGS}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """Each setting's value: its environment variable read, or its default."""
    return {setting.name: setting.value(environ) for setting in SETTINGS}
