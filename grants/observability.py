"""What operators see of each request: a request id, one structured log line, and its latency in the
Prometheus metrics (docs/operations.md, Monitoring).

- The request id: the incoming `X-Request-ID` when it is sane (the load balancer's, or the
  client's: letters, digits and `._:-`, at most 128), else a new one; echoed in the response's
  `X-Request-ID` header and carried by every log record written during the request.
- `LOG_FORMAT=json`: every log record as one JSON object a line on standard error
  (python-json-logger), with `request_id` inside a request; `text` (the development default):
  plain lines.
- One log line per request (logger `grants.request`): method, path, status, duration in ms, and the
  client's address (behind TRUSTED_PROXIES load balancers: the one they forward).
- The latency histogram `grants_request_duration_seconds` by method, endpoint (the route, never the
  raw path: bounded labels) and status. Under gunicorn its values are shared by the worker processes
  through `PROMETHEUS_MULTIPROC_DIR`, which deploy/gunicorn.conf.py sets.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid

from flask import Flask, Response, g, has_request_context, request
from prometheus_client import Histogram
from pythonjsonlogger.json import JsonFormatter

log = logging.getLogger("grants.request")
HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._:-]{1,128}")
_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s"

REQUEST_SECONDS = Histogram(
    "grants_request_duration_seconds",
    "Time from the start of a request to its response, in seconds.",
    ["method", "endpoint", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def request_id(incoming: str | None) -> str:
    """The incoming id if it is sane, else a new random one."""
    if incoming and _SANE.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record written during a request (None outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = (
                g.get("request_id") if has_request_context() else None  # type: ignore[attr-defined]
            )
        return True


def json_formatter() -> logging.Formatter:
    return JsonFormatter(_FIELDS, rename_fields={"asctime": "time", "levelname": "level"})


def configure_logging(app: Flask) -> None:
    """The root logger's one handler of ours (standard error), in the configured format; made once
    per process (an app made again, as tests do, reuses it)."""
    root = logging.getLogger()
    ours = next((h for h in root.handlers if getattr(h, "grants_handler", False)), None)
    if ours is None:
        ours = logging.StreamHandler(sys.stderr)
        ours.grants_handler = True  # type: ignore[attr-defined]
        ours.addFilter(RequestIdFilter())
        root.addHandler(ours)
    if app.config.get("LOG_FORMAT") == "json":
        ours.setFormatter(json_formatter())
    else:
        ours.setFormatter(logging.Formatter("%(levelname)s:%(name)s:%(message)s"))
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)


def _start() -> None:
    g.request_id = request_id(request.headers.get(HEADER))
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    started = g.get("request_started")
    if started is None:  # a request refused before ours ran: nothing to measure
        return response
    seconds = time.perf_counter() - started
    response.headers[HEADER] = g.request_id
    REQUEST_SECONDS.labels(
        request.method, request.endpoint or "none", str(response.status_code)
    ).observe(seconds)
    log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1),
            "client": request.remote_addr,
        },
    )
    return response


def init_app(app: Flask) -> None:
    """Request id, log line and latency of every request; registered before the other hooks, so
    that a request they refuse is measured and logged too."""
    app.before_request(_start)
    app.after_request(_finish)
