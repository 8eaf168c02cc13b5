"""The unloaded phase of the load benchmark (bench/load.py): one client, sequential requests, the
page and the trivial /health route interleaved, against a server of one worker process; the p50 and
p95 of each, and the CPU time (user + system) the worker process spent per request, read from
/proc/<pid>/stat around each request (PostgreSQL's own work is not in it).

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
    for i in range(WARM_UP + n):
        for name, send in (("page", visit.page), ("trivial", lambda: client.get("/health"))):
            cpu, started = cpu_seconds(pid), time.perf_counter()
            response = send()
            wall = time.perf_counter() - started
            if response.status_code >= 400:
                raise SystemExit(f"{scenario}: {name} answered {response.status_code}")
            if i >= WARM_UP:
                timed[name][0].append(wall * 1000)
                timed[name][1].append((cpu_seconds(pid) - cpu) * 1000)
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
