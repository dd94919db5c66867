"""Rate limits per client, kept in Redis when REDIS_URL is set and in memory otherwise.

The client address comes from the connection, or from the X-Forwarded-For header of
PWE_TRUSTED_PROXIES proxies in front of the platform (ProxyFix). It is used in memory (or as a
Redis key that expires with the limit's window) and never stored with a respondent.

Starts (consent given) and final submissions are limited per address by PWE_RATE_LIMIT, each
counted apart and only when one actually happened. A session that came through a personal
invitation to a consultation (its slug in `session["invited"]`) is not limited per address there:
invitations, not addresses, bound how often it can be answered.
"""

from __future__ import annotations

import ipaddress
import time

from flask import Flask, current_app, g, request, session
from flask_limiter import Limiter
from werkzeug.middleware.proxy_fix import ProxyFix

from pwe import settings


def client_key() -> str:
    """The address a client is counted by. An IPv6 client counts by its /64 network: one
    household (or one attacker) gets a whole /64 and could otherwise rotate through it."""
    address = request.remote_addr or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))


limiter = Limiter(key_func=client_key)

INVITED_SESSION_KEY = "invited"


def init_app(app: Flask) -> None:
    proxies = app.config.get("PWE_TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    # Redis unreachable: count in memory meanwhile rather than turn respondents away
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.config.setdefault("PWE_RATE_LIMIT", settings.BY_NAME["PWE_RATE_LIMIT"].default)
    limiter.init_app(app)


def configured_limit() -> str:
    """PWE_RATE_LIMIT in Flask-Limiter's notation; empty (no limit) when it is `off`."""
    value = current_app.config["PWE_RATE_LIMIT"]
    return "" if value == settings.RATE_LIMIT_OFF else value


def invited() -> bool:
    """The exemption hook: the session came through an invitation to this request's consultation."""
    slug = (request.view_args or {}).get("slug")
    return slug is not None and slug in session.get(INVITED_SESSION_KEY, ())


def mark_invited(slug: str) -> None:
    """Remember in the session that its visitor was invited to the consultation `slug`."""
    session[INVITED_SESSION_KEY] = sorted({*session.get(INVITED_SESSION_KEY, ()), slug})


def count_this_request() -> None:
    """Called by a limited view when what it limits happened (a start, a completed response)."""
    g.pwe_rate_counted = True


def counted(response) -> bool:
    """deduct_when for the limits: count only requests whose view called count_this_request."""
    return bool(g.get("pwe_rate_counted"))


def retry_after_seconds() -> int:
    """Seconds until the limit that refused this request lets the client in again."""
    refused = limiter.current_limit
    return max(1, int(refused.reset_at - time.time())) if refused else 60
