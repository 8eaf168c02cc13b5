"""Load benchmark (`make bench`): p50/p95 latency and throughput of the main pages under concurrent
users, each beside the trivial /health route measured in the same run; the ranking of 10,000
applications.

Steps, each a process of its own: a PostgreSQL database of its own (created if missing), the schema,
the generated calls (bench/dataset.py: 10,000 applications, and a smaller call reopened for
evaluation), the accounts (bench/load_setup.py), the ranking timing (bench/ranking_time.py); then
gunicorn with gthread workers on 127.0.0.1 and, per page, a headless locust run. The results replace
the load section of bench/BENCHMARKS.md.

    .venv/bin/python -m bench.load [--applications 10000] [--users 50] [--seconds 30]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SCENARIOS = {  # scenario -> what the page is
    "public": "public call list (anonymous)",
    "dashboard": "applicant dashboard",
    "score_get": "evaluator's scoring page (GET)",
    "score_post": "evaluator's scoring page (POST, draft autosave)",
    "staff_list": "staff application list (10,000 applications, 50 a page)",
    "ranking": "ranking page (10,000 applications)",
}
TARGET_RATIO, TARGET_RANKING = 5.0, 2.0
RAMP_SECONDS = 10
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


def _wait(url: str, seconds: float = 30) -> None:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_load"
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--only", help="comma-separated scenarios (default: all; the file is written only for all)"
    )
    args = parser.parse_args()
    scenarios = args.only.split(",") if args.only else list(SCENARIOS)
    big, small = f"BENCH-{args.applications}", "BENCH-EVAL"
    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "REDIS_URL": args.redis,
        "SECRET_KEY": "bench",
        "LOGIN_RATE_LIMIT": "100000 per minute",
        "PYTHONPATH": str(ROOT),
    }
    _database(args.database)
    python = str(BIN / "python")
    print("schema, data and accounts...", flush=True)
    _run([python, "-m", "flask", "--app", "wsgi", "db", "upgrade"], env)
    _run(
        [
            python,
            "-m",
            "bench.dataset",
            "--applications",
            str(args.applications),
            "--reference",
            big,
        ],
        env,
    )
    _run([python, "-m", "bench.dataset", "--applications", "400", "--reference", small], env)
    _run([python, "-m", "bench.load_setup", big, small], env)
    _analyze(
        args.database
    )  # fresh statistics after the bulk load, as autovacuum would gather in production
    ranking = json.loads(
        _run([python, "-m", "bench.ranking_time", big], env).strip().splitlines()[-1]
    )
    print(f"ranking: {ranking}", flush=True)
    port = _free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-k",
            "gthread",
            "-w",
            str(args.workers),
            "--threads",
            str(args.threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        env=env,
        cwd=ROOT,
    )
    results = {}
    try:
        _wait(f"{host}/health")
        with tempfile.TemporaryDirectory() as out:
            for scenario in scenarios:
                print(f"{scenario}...", flush=True)
                results[scenario] = _locust(
                    scenario, host, args.users, args.seconds, env, Path(out)
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    if not args.only:
        _write(args, ranking, results)


def _write(args, ranking: dict, results: dict) -> None:
    processor = platform.processor() or platform.machine()
    machine = f"{processor}, {os.cpu_count()} CPUs; {platform.platform()}"
    best = min(ranking["seconds"])
    lines = [
        START,
        "## Load (bench/load.py)",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}; Python "
        f"{platform.python_version()}, "
        f"PostgreSQL, Redis, gunicorn {args.workers} gthread workers x {args.threads} threads; "
        f"{args.users} concurrent locust users (0.5-1.5 s between clicks), {args.seconds} s per "
        f"page; "
        f"call of {args.applications:,} applications.",
        "",
        "Each user alternates the page and the trivial `/health` route (one `SELECT 1`), so both "
        "are measured "
        "under the same load; *ratio* is the page's p95 over the trivial route's p95 "
        f"(target: at most {TARGET_RATIO:g}).",
        "",
        "| page | p50 ms | p95 ms | req/s | trivial p50 ms | trivial p95 ms | ratio p95 | failures "
        "| target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for scenario, label in SCENARIOS.items():
        page, trivial = results[scenario]["page"], results[scenario]["trivial"]
        ratio = page["p95"] / trivial["p95"] if trivial["p95"] else float("inf")
        lines.append(
            f"| {label} | {page['p50']:.0f} | {page['p95']:.0f} | {page['rps']:.1f} | "
            f"{trivial['p50']:.0f} "
            f"| {trivial['p95']:.0f} | {ratio:.1f} | {page['failures'] + trivial['failures']} | "
            f"{'met' if ratio <= TARGET_RATIO else 'MISSED'} |"
        )
    lines += [
        "",
        "All users, the server, PostgreSQL and locust share the machine's CPUs. Where a page's own "
        "work "
        "exceeds what they can serve at this rate (the ranking page, about 90 ms of CPU a view), "
        "requests "
        "queue: the trivial route's latency rises with the page's and the ratio stays low while "
        "the "
        "absolute figures (p50, req/s) show the saturation.",
        "",
        f"Ranking and award computation of the call of {args.applications:,} applications "
        f"({ranking['ranked']:,} ranked; the others below threshold, inadmissible or withdrawn) by "
        f"`rank_call`, "
        f"best of {len(ranking['seconds'])}: {best:.2f} s "
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
