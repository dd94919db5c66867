"""Rate limits per client, kept in Redis when REDIS_URL is set and in memory otherwise.

The client address comes from the connection, or from the X-Forwarded-For header of
PWE_TRUSTED_PROXIES proxies in front of the platform (ProxyFix). It is used in memory (or as a
Redis key that expires with the limit's window) and never stored with a respondent.
"""
from __future__ import annotations

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from werkzeug.middleware.proxy_fix import ProxyFix

limiter = Limiter(key_func=get_remote_address)


def init_app(app: Flask) -> None:
    proxies = app.config.get("PWE_TRUSTED_PROXIES", 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.config.setdefault("RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", False)
    limiter.init_app(app)
