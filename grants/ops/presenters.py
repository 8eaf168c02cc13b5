"""The metrics in Prometheus's text format: the request latency histogram (grants/observability.py;
summed over gunicorn's worker processes when PROMETHEUS_MULTIPROC_DIR is set) and the gauges of the
work waiting, read at each scrape."""

from __future__ import annotations

import os

from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector


class _Waiting(Collector):
    def __init__(self, pending: dict[str, int] | None, queued: int | None) -> None:
        self.pending, self.queued = pending, queued

    def collect(self):
        if self.pending is not None:
            rows = GaugeMetricFamily(
                "grants_pending_jobs",
                "Exports queued or running and e-mails queued, as the database holds them.",
                labels=["kind"],
            )
            for kind, count in sorted(self.pending.items()):
                rows.add_metric([kind], count)
            yield rows
        if self.queued is not None:
            yield GaugeMetricFamily(
                "grants_queue_length", "Jobs waiting in the rq queue (Redis).", value=self.queued
            )


def exposition(pending: dict[str, int] | None, queued: int | None) -> bytes:
    """The text of a scrape; a gauge whose source does not answer (None) is left out."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    waiting = CollectorRegistry()
    waiting.register(_Waiting(pending, queued))
    return generate_latest(requests) + generate_latest(waiting)
