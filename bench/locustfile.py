"""Locust users for bench/load.py: each loops over one page (the SCENARIO environment variable, one
of bench/scenarios.py) and the trivial /health route, so that both are measured under the same load
in the same run ("page" and "trivial" in the statistics)."""

from __future__ import annotations

import os

from locust import HttpUser, between, task

from bench.scenarios import Visit

SCENARIO = os.environ.get("SCENARIO", "public")


class Visitor(HttpUser):
    wait_time = between(0.5, 1.5)  # a person reading, then clicking

    def on_start(self) -> None:
        self.visit = Visit(SCENARIO, self.client, self.host)
        self.visit.start()

    @task
    def page_then_trivial(self) -> None:
        self.visit.page()
        self.client.get("/health", name="trivial")
