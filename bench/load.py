"""Load benchmark (`make bench`): the main pages at 10,000 applications and 5,000 grants, each
beside the trivial /health route measured in the same run; the ranking of 10,000 applications.

Steps, each a process of its own: a PostgreSQL database of its own (created if missing), the schema,
the generated calls (bench/dataset.py: 10,000 applications, every ranked one awarded, and a smaller
call reopened for evaluation), 5,000 grants (bench/grants_dataset.py), the accounts
(bench/load_setup.py), the ranking timing (bench/ranking_time.py); then gunicorn with the production
settings (deploy/gunicorn.conf.py; only the address and, for the first phase, the workers given) on
127.0.0.1 and, per page (bench/scenarios.py):
1. unloaded: one worker process, one client, sequential requests to the page and /health
   interleaved (bench/load_single.py): p50, p95 and the worker's CPU time per request;
2. loaded: the production workers, a headless locust run of USERS concurrent users: p95.
The results replace the load section of bench/BENCHMARKS.md.

    .venv/bin/python -m bench.load [--users 20] [--seconds 20] [--requests 200] [--only a,b]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

from bench.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TARGET_RATIO, TARGET_P95, TARGET_RANKING_CPU, TARGET_RANKING = 3.0, 500.0, 20.0, 2.0
RAMP_SECONDS = 5
START, END = "<!-- load benchmark: start -->", "<!-- load benchmark: end -->"


def _run(args: list[str], env: dict) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _analyze(url: str) -> None:
    with psycopg.connect(
        url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True
    ) as conn:
        conn.execute("ANALYZE")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url}")


def _locust(scenario: str, host: str, users: int, seconds: int, env: dict, out: Path) -> dict:
    prefix = out / scenario
    # users log in as they arrive (scrypt on purpose: slow); statistics restart once all have
    # arrived
    _run(
        [
            str(BIN / "locust"),
            "-f",
            "bench/locustfile.py",
            "--headless",
            "-u",
            str(users),
            "-r",
            str(max(users // RAMP_SECONDS, 1)),
            "--reset-stats",
            "-t",
            f"{seconds + RAMP_SECONDS}s",
            "--host",
            host,
            "--csv",
            str(prefix),
            "--only-summary",
            "--exit-code-on-error",
            "0",
        ],
        {**env, "SCENARIO": scenario},
    )
    with open(f"{prefix}_stats.csv") as file:
        stats = {row["Name"]: row for row in csv.DictReader(file)}
    result = {}
    for name in ("page", "trivial"):
        row = stats.get(name)
        if row is None:  # not one request completed in the run
            raise SystemExit(f"{scenario}: no '{name}' request completed in {seconds} s")
        result[name] = {
            "p50": float(row["50%"]),
            "p95": float(row["95%"]),
            "rps": float(row["Requests/s"]),
            "count": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
        }
    print(
        f"  page p95 {result['page']['p95']:.0f} ms, trivial p95 {result['trivial']['p95']:.0f} ms",
        flush=True,
    )
    return result


def _server(port: int, env: dict, log, workers: int | None = None) -> subprocess.Popen:
    """gunicorn with the production settings, on the given port (and number of workers); its log
    (a line per request) into `log`."""
    args = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "-b", f"127.0.0.1:{port}"]
    if workers:
        args += ["-w", str(workers)]
    server = subprocess.Popen(
        [*args, "wsgi:app"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        _wait(f"http://127.0.0.1:{port}/health")
    except BaseException:
        _stop(server)
        raise
    return server


def _worker(master: int) -> int:
    """The pid of the one worker process of a gunicorn master."""
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    raise SystemExit("gunicorn started no worker")


def _stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def _load() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def _setup(args, env: dict) -> dict:
    python = str(BIN / "python")
    big, small = f"BENCH-{args.applications}", "BENCH-EVAL"
    print("schema, data, grants and accounts...", flush=True)
    _run([python, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env)
    # a lot budget of 30,000 per application: every ranked application awarded (about 5,200)
    big_call = ["--applications", str(args.applications), "--reference", big]
    _run([python, "-m", "bench.dataset", *big_call, "--budget-per-application", "30000"], env)
    _run([python, "-m", "bench.dataset", "--applications", "400", "--reference", small], env)
    _run(
        [python, "-m", "bench.grants_dataset", "--reference", big, "--grants", str(args.grants)],
        env,
    )
    _run([python, "-m", "bench.load_setup", big, small], env)
    # fresh statistics after the bulk load, as autovacuum would gather in production
    _analyze(args.database)
    return _ranking_time(args, env)


def _ranking_time(args, env: dict) -> dict:
    """rank_call's time on the big call (rolled back: the data stays as it is)."""
    big = f"BENCH-{args.applications}"
    ranking = json.loads(
        _run([str(BIN / "python"), "-m", "bench.ranking_time", big], env).strip().splitlines()[-1]
    )
    print(f"ranking: {ranking}", flush=True)
    return ranking


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_load"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--grants", type=int, default=5_000)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--requests", type=int, default=200, help="per page, unloaded")
    parser.add_argument(
        "--only", help="comma-separated scenarios (default: all; the file is written only for all)"
    )
    parser.add_argument(
        "--skip-setup",
        action="store_true",
        help="the data is there already (the ranking is still timed, the file still written)",
    )
    args = parser.parse_args()
    scenarios = args.only.split(",") if args.only else list(SCENARIOS)
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "REDIS_URL": args.redis,
        "SECRET_KEY": "bench",
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "PYTHONPATH": str(ROOT),
        "GUNICORN_LOGLEVEL": "warning",
    }
    _database(args.database)
    started, loads = time.perf_counter(), {}
    ranking = _ranking_time(args, env) if args.skip_setup else _setup(args, env)
    loads["setup"] = _load()
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    single, loaded = {}, {}
    log = tempfile.TemporaryFile()
    server = _server(port, env, log, workers=1)
    try:
        pid = _worker(server.pid)
        loads["unloaded"] = _load()
        for scenario in scenarios:
            out = _run(
                [
                    str(BIN / "python"),
                    "-m",
                    "bench.load_single",
                    host,
                    str(pid),
                    scenario,
                    str(args.requests),
                ],
                env,
            )
            single[scenario] = json.loads(out.strip().splitlines()[-1])
            page, trivial = single[scenario]["page"], single[scenario]["trivial"]
            print(
                f"{scenario}: 1 client p50 {page['p50']:.1f} ms (trivial {trivial['p50']:.1f}), "
                f"CPU {page['cpu']:.1f} ms/request (trivial {trivial['cpu']:.1f})",
                flush=True,
            )
        loads["unloaded"] += f" → {_load()}"
    finally:
        _stop(server)
    server = _server(port, env, log)
    try:
        loads["loaded"] = _load()
        with tempfile.TemporaryDirectory() as out:
            for scenario in scenarios:
                loaded[scenario] = _locust(scenario, host, args.users, args.seconds, env, Path(out))
        loads["loaded"] += f" → {_load()}"
    finally:
        _stop(server)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"total {time.perf_counter() - started:.0f} s wall, children's CPU "
        f"{usage.ru_utime + usage.ru_stime:.0f} s; load {loads}",
        flush=True,
    )
    if not args.only:
        _write(args, ranking, single, loaded, loads)


def _targets(scenario: str, single: dict, loaded: dict) -> tuple[float, list[str]]:
    page, trivial = single["page"], single["trivial"]
    ratio = page["p50"] / trivial["p50"] if trivial["p50"] else float("inf")
    missed = []
    if ratio > TARGET_RATIO:
        missed.append(f"p50 ratio > {TARGET_RATIO:g}")
    if loaded["page"]["p95"] >= TARGET_P95:
        missed.append(f"p95 ≥ {TARGET_P95:g} ms")
    if scenario == "ranking" and page["cpu"] >= TARGET_RANKING_CPU:
        missed.append(f"CPU ≥ {TARGET_RANKING_CPU:g} ms")
    return ratio, missed


def _write(args, ranking: dict, single: dict, loaded: dict, loads: dict) -> None:
    processor = platform.processor() or platform.machine()
    machine = f"{processor}, {os.cpu_count()} CPUs; {platform.platform()}"
    best = min(ranking["seconds"])
    lines = [
        START,
        "## Load (bench/load.py)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}; Python "
        f"{platform.python_version()}, PostgreSQL, Redis, gunicorn with deploy/gunicorn.conf.py; "
        f"a call of {args.applications:,} applications (every ranked one awarded) with "
        f"{args.grants:,} grants (bench/grants_dataset.py). Load average (1 / 5 / 15 min) before "
        f"→ after: unloaded phase {loads['unloaded']}; loaded phase {loads['loaded']} (the machine "
        "is shared: CPU per request is the robust figure).",
        "",
        f"*Unloaded*: one worker process, one client, up to {args.requests} sequential requests "
        "(*n*; a slow page: as many as fit in 20 s, at least 20) to the page and to the trivial "
        "`/health` route (one `SELECT 1`) interleaved, after up to 20 of each to warm up; *CPU* "
        "is the worker process's user + system time per request (from /proc/<pid>/stat; "
        "PostgreSQL's work is not in it). "
        f"*{args.users} users*: the production workers, {args.users} concurrent locust users "
        f"(0.5-1.5 s between clicks) alternating page and `/health`, {args.seconds} s per page. "
        f"Targets: unloaded p50 within {TARGET_RATIO:g}x the trivial route's; p95 under "
        f"{TARGET_P95:g} ms with {args.users} users; the ranking page under "
        f"{TARGET_RANKING_CPU:g} ms of CPU a view.",
        "",
        "| page | n | p50 ms | p95 ms | CPU ms | trivial p50 ms | trivial CPU ms | ratio p50 "
        f"| {args.users} users p95 ms | trivial p95 ms | req/s | failures | targets |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for scenario, label in SCENARIOS.items():
        one, many = single[scenario], loaded[scenario]
        ratio, missed = _targets(scenario, one, many)
        lines.append(
            f"| {label} | {one['page']['count']} | {one['page']['p50']:.1f} | "
            f"{one['page']['p95']:.1f} | "
            f"{one['page']['cpu']:.1f} | {one['trivial']['p50']:.1f} | "
            f"{one['trivial']['cpu']:.1f} | {ratio:.1f} | {many['page']['p95']:.0f} | "
            f"{many['trivial']['p95']:.0f} | {many['page']['rps']:.1f} | "
            f"{many['page']['failures'] + many['trivial']['failures']} | "
            f"{'met' if not missed else 'MISSED: ' + ', '.join(missed)} |"
        )
    lines += [
        "",
        f"Ranking and award computation of the call of {args.applications:,} applications "
        f"({ranking['ranked']:,} ranked; the others below threshold, inadmissible or withdrawn) by "
        f"`rank_call`, best of {len(ranking['seconds'])}: {best:.2f} s "
        f"({min(ranking.get('cpu') or [float('nan')]):.2f} s of CPU in Python; load average "
        f"{loads['setup']}) "
        f"(target: under {TARGET_RANKING:g} s: {'met' if best < TARGET_RANKING else 'MISSED'}).",
        END,
    ]
    path = ROOT / "bench" / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if START in text:
        text = text[: text.index(START)] + "\n".join(lines) + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    path.write_text(text)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
