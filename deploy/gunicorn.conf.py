"""gunicorn's settings for TWIN Grants (deploy/Procfile: `gunicorn --config deploy/gunicorn.conf.py
wsgi:app`); each can be changed by the environment variable named beside it.

Threaded workers (gthread): most of a request's time is spent waiting for PostgreSQL. The request
log is the application's own (one JSON line per request with its id, LOG_FORMAT=json), so gunicorn
writes no access log. The request latency metrics of the worker processes are summed through files
in PROMETHEUS_MULTIPROC_DIR (a fresh temporary folder unless set; give each instance its own),
whose metric files are removed when gunicorn starts.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a worker silent this long is restarted
graceful_timeout = 30  # on SIGTERM, requests under way may finish within this
keepalive = 5
accesslog = None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# behind the load balancer: its X-Forwarded-* headers are trusted from these addresses
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

_made = None
if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    _made = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="grants-metrics-")


def on_starting(server) -> None:
    """Values of an earlier run are not this one's: remove its metric files (prometheus_client's
    *.db), nothing else of the folder."""
    folder = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink(missing_ok=True)


def on_exit(server) -> None:
    if _made:
        shutil.rmtree(_made, ignore_errors=True)


def child_exit(server, worker) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
