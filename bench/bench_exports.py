"""Time and peak memory of the exports of the benchmark call (bench.dataset), written to
bench/BENCHMARKS.md.

Each export is built in a process of its own, so that its peak resident memory (ru_maxrss) is its
own; with --tracemalloc a second run gives the peak of Python's allocations (slow: tracemalloc costs
several times the build's time). Kinds whose module does not exist yet are left out.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_exports .venv/bin/python -m
    bench.bench_exports
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from flask_babel import force_locale
from sqlalchemy import func, select

from grants import create_app
from grants.exports.kinds import KINDS
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    BudgetLine,
    Call,
    Evaluation,
    Partner,
    Score,
)

MEASURED = ("workbook", "evaluation_report")
OUTPUT = Path(__file__).resolve().parent / "BENCHMARKS.md"
MB = 1024 * 1024
START, END = "<!-- export benchmark: start -->", "<!-- export benchmark: end -->"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def measure(kind: str, reference: str, traced: bool) -> dict | None:
    """Build one export of the call in this process."""
    app = create_app()
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.reference == reference))
        if call_id is None:
            raise SystemExit(f"There is no call {reference}: run `python -m bench.dataset` first.")
        builder = KINDS[kind].builder()
        if builder is None:
            return None
        before = rss_mb()
        with tempfile.TemporaryDirectory() as tmp, force_locale("en"):
            path = Path(tmp) / f"export{KINDS[kind].suffix}"
            if traced:
                tracemalloc.start()
            started = time.perf_counter()
            builder(call_id, "en", lambda percent: None, path)
            seconds = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1] / MB if traced else None
            size = path.stat().st_size / MB
    return {
        "kind": kind,
        "seconds": seconds,
        "rss_before_mb": before,
        "rss_peak_mb": rss_mb(),
        "traced_peak_mb": peak,
        "size_mb": size,
    }


def run_apart(kind: str, reference: str, traced: bool) -> dict | None:
    command = [sys.executable, "-m", "bench.bench_exports", "--one", kind, "--reference", reference]
    result = subprocess.run(
        command + (["--traced"] if traced else []), capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _per_application(call_id: int, model, application_id) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(model)
        .join(Application, application_id == Application.id)
        .where(Application.call_id == call_id)
    )


def dataset(reference: str) -> dict:
    app = create_app()
    with app.app_context():
        call_id = db.session.scalar(select(Call.id).where(Call.reference == reference))
        scores = db.session.scalar(
            select(func.count())
            .select_from(Score)
            .join(Evaluation)
            .join(Assignment)
            .join(ApplicationStage, Assignment.stage_id == ApplicationStage.id)
            .join(Application, ApplicationStage.application_id == Application.id)
            .where(Application.call_id == call_id)
        )
        version = ".".join(map(str, db.engine.dialect.server_version_info or ()))
        return {
            "applications": db.session.scalar(
                select(func.count()).where(Application.call_id == call_id)
            ),
            "partners": _per_application(call_id, Partner, Partner.application_id),
            "lines": _per_application(call_id, BudgetLine, BudgetLine.application_id),
            "scores": scores,
            "database": f"{db.engine.dialect.name} {version}",
        }


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown CPU",
    )
    memory = next(
        (
            int(line.split()[1]) // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{cpu}, {os.cpu_count()} CPUs, {memory:,} MB RAM; {platform.platform()}; "
        f"Python {platform.python_version()}"
    )


def write(results: list[dict], data: dict, reference: str) -> None:
    lines = [
        START,
        "## Exports",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` (bench/bench_exports.py) "
        f"on {machine()}.",
        f"Database: {data['database']}. Call {reference}: {data['applications']:,} applications, "
        f"{data['partners']:,} partners, {data['lines']:,} budget lines, {data['scores']:,} scores "
        "(generated by bench/dataset.py).",
        "",
        "Each export is built in a process of its own. *Peak RSS* is the process's peak resident "
        "memory "
        "(ru_maxrss), *at start* the same before the build began (interpreter, application and "
        "libraries "
        "loaded); *Python peak* is the peak of Python's allocations during the build (tracemalloc, "
        "a "
        "separate run with --tracemalloc; – when not measured).",
        "",
        "| export | time | peak RSS | at start | Python peak | file |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['kind']} | {r['seconds']:.1f} s | {r['rss_peak_mb']:.0f} MB | "
            f"{r['rss_before_mb']:.0f} MB "
            f"| {_mb(r['traced_peak_mb'])} | {r['size_mb']:.1f} MB |"
        )
    lines += ["", "Targets for 10,000 applications: the workbook in under 60 s and 300 MB.", END]
    text = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else "# Benchmarks\n"
    if START in text:  # the other sections of the file (e.g. the load benchmark's) stay as they are
        text = text[: text.index(START)] + "\n".join(lines) + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    OUTPUT.write_text(text, encoding="utf-8")
    print("\n".join(lines))


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} MB"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", default="BENCH-10000")
    parser.add_argument("--one", choices=MEASURED, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also measure Python's allocation peak"
    )
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.one, args.reference, args.traced)))
        return
    results = []
    for kind in MEASURED:
        timed = run_apart(kind, args.reference, traced=False)
        if timed is None:
            print(f"{kind}: its module does not exist yet, left out.")
            continue
        if args.tracemalloc:
            timed["traced_peak_mb"] = run_apart(kind, args.reference, traced=True)["traced_peak_mb"]
        results.append(timed)
        print(
            f"{kind}: {timed['seconds']:.1f} s, peak RSS {timed['rss_peak_mb']:.0f} MB", flush=True
        )
    write(results, dataset(args.reference), args.reference)


if __name__ == "__main__":
    main()
