"""gunicorn settings for the platform: `gunicorn -c gunicorn.conf.py wsgi:app`.

Bind with `-b` (default: loopback; nginx in front terminates TLS, see docs/deploy.md). Workers
come from the core count; WEB_CONCURRENCY or `-w` overrides it.
"""

import multiprocessing
import os
import tempfile
from pathlib import Path

bind = ["127.0.0.1:8000"]
# sync workers: each request holds one worker. One more than the cores keeps them busy while a
# worker waits for the database, which answers a request's few short queries in well under a
# millisecond on the same host or network; more workers only take turns on the same cores (on 2
# cores, 3 workers served 13% more citizen requests per second than 5: docs/performance.md).
# With the database far away (several ms per round trip), raise WEB_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() + 1)
worker_class = "sync"
# the app is imported once and forked: workers start at once, also after one was killed;
# an upgrade therefore restarts gunicorn (a HUP would keep the old code)
preload_app = True
timeout = 30  # a request that takes longer is stuck: the worker is replaced
graceful_timeout = 30  # on restart, requests in flight get this long to finish
keepalive = 2
backlog = 2048  # a burst after a news item waits in the queue instead of being refused
max_requests = 10000  # recycle workers now and then, spread out by the jitter
max_requests_jitter = 1000
limit_request_line = 8190
limit_request_fields = 100
control_socket_disable = True  # one fixed path per user: several instances on a host would collide

# JSON lines on stderr; the access log has method, path, status, size and time: no client
# address, no user agent, no referrer, no query string
accesslog = "-"
errorlog = "-"
logger_class = "pwe.gunicorn_logging.JsonLogger"

# every worker writes its metrics here and /metrics adds them up (prometheus_client multiprocess)
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="pwe-metrics-")


def on_starting(server):
    # counts from an earlier run would be added to this run's
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
