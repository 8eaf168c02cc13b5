"""Liveness and readiness checks for the load balancer and the orchestrator, and the Prometheus
metrics (docs/operations.md, Monitoring). The older /health (database reached) is public.health."""

from __future__ import annotations

import hmac

from flask import Blueprint, Response, abort, current_app, request
from prometheus_client import CONTENT_TYPE_LATEST

from grants.access import requires
from grants.ops import queries
from grants.ops.presenters import exposition

bp = Blueprint("ops", __name__)


@bp.get("/health/live")
@requires("public")
def live():
    """The process answers requests; touches no database (a restart would not bring it back)."""
    return {"status": "ok"}


@bp.get("/health/ready")
@requires("public")
def ready():
    """Ready for traffic: the database answers, and Redis when configured; 503 otherwise, naming
    what does not answer."""
    checks = queries.readiness()
    ready = all(state == queries.OK for state in checks.values())
    return {"status": "ok" if ready else "unavailable", **checks}, 200 if ready else 503


@bp.get("/metrics")
@requires("metrics_token")
def metrics():
    """Prometheus metrics, only with `Authorization: Bearer <METRICS_TOKEN>`: 404 to anyone else,
    and to everyone while METRICS_TOKEN is unset."""
    token = current_app.config.get("METRICS_TOKEN")
    given = request.headers.get("Authorization", "")
    if not token or not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        abort(404)
    body = exposition(queries.pending_work(), queries.queue_length())
    return Response(
        body,
        content_type=CONTENT_TYPE_LATEST,
        headers={"Cache-Control": "no-store"},
    )
