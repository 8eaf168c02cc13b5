"""The unloaded phase of the load benchmark (bench/load.py): one client, sequential requests (N, or
as many as fit in BUDGET seconds, at least MINIMUM), the page and the trivial /health route
interleaved, against a server of one worker process; the p50 and p95 of each, and the CPU time
(user + system) the worker process spent per request, read from /proc/<pid>/stat around each
request (PostgreSQL's own work is not in it).

    .venv/bin/python -m bench.load_single http://127.0.0.1:PORT WORKER_PID SCENARIO [N]
prints one JSON line."""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

import requests

from bench.scenarios import Visit

WARM_UP = 20
# seconds a page's requests may take: a slow page is measured on fewer, at least MINIMUM
BUDGET, MINIMUM = 20.0, 20
TICK = os.sysconf("SC_CLK_TCK")


class Client(requests.Session):
    """A requests session whose paths are relative to the server, and that takes (and ignores)
    locust's `name`."""

    def __init__(self, host: str) -> None:
        super().__init__()
        self.host = host

    def request(self, method, url, *args, name=None, **kwargs):
        return super().request(method, self.host + url, *args, **kwargs)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process (all its threads), in seconds."""
    with open(f"/proc/{pid}/stat") as file:
        fields = file.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15)


def _quantile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q * 100) - 1]


def measure(host: str, pid: int, scenario: str, n: int = 200) -> dict:
    client = Client(host)
    visit = Visit(scenario, client, host)
    visit.start()
    timed = {"page": ([], []), "trivial": ([], [])}  # wall ms, CPU ms
    pairs = (("page", visit.page), ("trivial", lambda: client.get("/health")))

    def send(name, request) -> None:
        response = request()
        if response.status_code >= 400:
            raise SystemExit(f"{scenario}: {name} answered {response.status_code}")

    started = time.perf_counter()
    for _ in range(WARM_UP):  # a slow page warms up on fewer
        for name, request in pairs:
            send(name, request)
        if time.perf_counter() - started > BUDGET / 4:
            break
    started, count = time.perf_counter(), 0
    while count < n and (count < MINIMUM or time.perf_counter() - started < BUDGET):
        for name, request in pairs:
            cpu, sent = cpu_seconds(pid), time.perf_counter()
            send(name, request)
            timed[name][0].append((time.perf_counter() - sent) * 1000)
            timed[name][1].append((cpu_seconds(pid) - cpu) * 1000)
        count += 1
    return {
        name: {
            "p50": statistics.median(wall),
            "p95": _quantile(wall, 0.95),
            "cpu": statistics.fmean(cpu),
            "count": len(wall),
        }
        for name, (wall, cpu) in timed.items()
    }


if __name__ == "__main__":
    host, pid, scenario = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 200
    print(json.dumps(measure(host, pid, scenario, count)))
