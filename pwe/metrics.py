"""Prometheus metrics: respondents' progress, refusals and the latency of every endpoint.

Under gunicorn every worker writes its values to PROMETHEUS_MULTIPROC_DIR (gunicorn.conf.py sets
it), and /metrics adds them up. /metrics answers loopback clients, or anyone presenting
PWE_METRICS_TOKEN as a bearer token when that is set.
"""

from __future__ import annotations

import hmac
import ipaddress
import time

from flask import Blueprint, Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

from pwe.limits import limiter

STARTS = Counter("pwe_starts_total", "Respondents who gave consent and started", ["consultation"])
COMPLETIONS = Counter("pwe_completions_total", "Responses completed and stored", ["consultation"])
VALIDATION_FAILURES = Counter(
    "pwe_validation_failures_total", "Submissions refused because an answer broke a rule", ["endpoint"]
)
RATE_LIMITED = Counter("pwe_rate_limit_refusals_total", "Requests refused by a rate limit", ["endpoint"])
REQUESTS = Counter("pwe_requests_total", "Requests answered", ["endpoint", "method", "status"])
LATENCY = Histogram(
    "pwe_request_duration_seconds",
    "Time to answer a request",
    ["endpoint", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1.0, 2.5, 5.0, 10.0),
)

bp = Blueprint("metrics", __name__)


def _endpoint() -> str:
    # the endpoint name, never the path: paths carry slugs and step ids without bound
    return request.endpoint or "unmatched"


@bp.get("/metrics")
def metrics():
    if not _may_read_metrics():
        return Response(
            "Forbidden: /metrics needs a loopback client or PWE_METRICS_TOKEN.\n", 403, mimetype="text/plain"
        )
    return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def _may_read_metrics() -> bool:
    token = current_app.config.get("PWE_METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def _registry() -> CollectorRegistry:
    if not current_app.config.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def init_app(app: Flask) -> None:
    @app.before_request
    def start_timer() -> None:
        g.request_started = time.perf_counter()

    @app.after_request
    def count(response: Response) -> Response:
        endpoint = _endpoint()
        started = g.pop("request_started", None)
        if started is not None:
            LATENCY.labels(endpoint, request.method).observe(time.perf_counter() - started)
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        if response.status_code == 422:  # the platform's answer to a submission that breaks a rule
            VALIDATION_FAILURES.labels(endpoint).inc()
        elif response.status_code == 429:
            RATE_LIMITED.labels(endpoint).inc()
        return response

    app.register_blueprint(bp)
    limiter.exempt(bp)
