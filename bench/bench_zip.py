"""The ZIP of application PDFs of the benchmark call built by real rq workers, one then two, with
nothing kept in the documents space (cold: the first ZIP after an upgrade) and with the documents
kept (as the pre-rendering jobs leave them); and what pre-rendering costs; written to
bench/BENCHMARKS.md.

Pre-rendering runs in this process, as the jobs do in a worker: each application's summary and
decision letter in every language (grants.submission.documents.prerender_summary,
grants.letters.documents.prerender_letter; the letters are built as the ZIP builds them when none
were issued, before the clock starts), its CPU time (user + system) read with time.process_time.
Pre-rendering is measured on the first --prerender-sample applications (default 200), as it costs
the same for each. The ZIP runs with the documents kept use the documents space that the first run
with none kept filled (the summary and letter of every application in the ZIP's language: what
the ZIP reads of what the jobs keep).

Each ZIP run requests the export as staff would (a ReportJob, its rq job enqueued on commit),
starts the workers as processes of their own (rq SimpleWorkers in the application context, as
`flask rq worker` runs them, without the scheduler) and waits until the job is finished; the
workers are then stopped and reaped with os.wait4, which gives each one's CPU time (user + system)
and peak resident memory. Wall time runs from the request to the finished job. With
--applications N only the call's first N applications are made (the workers are told so), for
quick runs; the figures for the whole call are then extrapolated from N (per application, times
the call's applications), and say so.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench_exports .venv/bin/python -m \\
    bench.bench_zip [--applications 2000] [--redis redis://127.0.0.1:6379/12]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from bench.bench_exports import machine
from grants import create_app
from grants.extensions import db
from grants.models import Call, JobStatus, ReportJob

OUTPUT = Path(__file__).resolve().parent / "BENCHMARKS.md"
START, END = "<!-- zip benchmark: start -->", "<!-- zip benchmark: end -->"
LIMIT = "BENCH_ZIP_APPLICATIONS"  # the workers make only the call's first N applications


def worker() -> None:
    """A worker process of the benchmark (python -m bench.bench_zip --worker)."""
    from rq import SimpleWorker

    from grants.exports import parts
    from grants.jobs import queue

    if limit := int(os.environ.get(LIMIT) or 0):
        every = parts.application_ids
        parts.application_ids = lambda call_id: every(call_id)[:limit]
    app = create_app()
    with app.app_context():
        q = queue()
        SimpleWorker([q], connection=q.connection).work(burst=False, with_scheduler=False)


def prerender(app, call_id: int, limit: int | None, documents: Path) -> dict:
    """Keep the summaries and decision letters of the call's first `limit` applications in every
    language, as the jobs do; the CPU and wall time it took."""
    from grants.exports.application_pdfs import decision_letters, submitted
    from grants.exports.call_data import application_ids, load_call
    from grants.letters.documents import prerender_letter
    from grants.submission.documents import prerender_summary
    from grants.submission.queries import stage_of

    app.config["DOCUMENT_DIR"] = str(documents)
    cpu = wall = 0.0
    rendered = 0
    with app.app_context():
        call = load_call(call_id)
        ids = application_ids(call_id)
        ids = ids[:limit] if limit else ids
        for start in range(0, len(ids), 250):
            batch = ids[start : start + 250]
            stages = [stage_of(application).id for application in submitted(batch)]
            letters = list(decision_letters(call, batch).values())
            db.session.expunge_all()  # the job loads its stage itself
            cpu_at, wall_at = time.process_time(), time.perf_counter()
            rendered += sum(prerender_summary(stage_id) for stage_id in stages)
            rendered += sum(prerender_letter(letter) for letter in letters)
            cpu += time.process_time() - cpu_at
            wall += time.perf_counter() - wall_at
            db.session.rollback()
    return {"applications": len(ids), "rendered": rendered, "cpu": cpu, "wall": wall}


def build(
    app, call_id: int, workers: int, limit: int | None, folder: Path, documents: Path
) -> dict:
    from grants.exports.jobs import request_export
    from grants.jobs import commit, queue

    env = os.environ | {
        LIMIT: str(limit or ""),
        "EXPORT_DIR": str(folder),
        "DOCUMENT_DIR": str(documents),
    }
    with app.app_context():
        queue().connection.flushdb()
        load = os.getloadavg()
        started = time.perf_counter()
        job_id = request_export(call_id, "application_pdfs", "en", None).id
        commit()
        processes = [
            subprocess.Popen([sys.executable, "-m", "bench.bench_zip", "--worker"], env=env)
            for _ in range(workers)
        ]
        while True:
            job = db.session.get(ReportJob, job_id, populate_existing=True)
            db.session.commit()
            if job.status in (JobStatus.finished, JobStatus.failed):
                break
            time.sleep(0.5)
        wall = time.perf_counter() - started
        if job.status is JobStatus.failed:
            raise SystemExit(f"The export failed: {job.error}")
        with zipfile.ZipFile(folder / job.file_path) as archive:
            entries = archive.namelist()
            size = (folder / job.file_path).stat().st_size
    usage = []
    for process in processes:
        process.send_signal(signal.SIGTERM)  # a warm shutdown: the no-op helpers left are dropped
        _, _, rusage = os.wait4(process.pid, 0)
        usage.append((rusage.ru_utime + rusage.ru_stime, rusage.ru_maxrss / 1024))
    return {
        "workers": workers,
        "wall": wall,
        "cpu": [cpu for cpu, _ in usage],
        "rss": [rss for _, rss in usage],
        "summaries": sum(name.endswith("/summary.pdf") for name in entries),
        "letters": sum(name.endswith("/decision-letter.pdf") for name in entries),
        "size_mb": size / 1024 / 1024,
        "load": " ".join(f"{value:.2f}" for value in load),
        "load_after": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }


def write(pre: dict, runs: list[dict], reference: str, total: int, limit: int | None) -> None:
    from grants.exports.parts import PART_SIZE

    one = runs[0]
    measured = one["summaries"]
    whole = f"{total:,}" + (f" (extrapolated from {measured:,})" if measured < total else "")
    per_pre = 1000 * pre["cpu"] / max(pre["applications"], 1)
    lines = [
        START,
        "## The ZIP of application PDFs, in parts, by rq workers",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` (bench/bench_zip.py) on "
        f"{machine()}. Call {reference}"
        + (f", its first {limit:,} applications" if limit else "")
        + f": {one['summaries']:,} summaries and {one['letters']:,} decision letters in a "
        f"{one['size_mb']:.0f} MB ZIP with its index.csv, in parts of {PART_SIZE} applications.",
        "",
        "Each PDF is rendered once and kept in the documents space (grants/documents.py): by a job "
        "when it stops changing (a submission, a letter issued), else by the first ZIP that needs "
        "it.",
        "",
        f"Pre-rendering (the background work at submission and at issue, in one process): "
        f"{pre['rendered']:,} PDFs (summary and decision letter, English and Turkish) for "
        f"{pre['applications']:,} applications, {pre['cpu']:.0f} s of CPU "
        f"({per_pre:.0f} ms per application, {pre['wall']:.0f} s wall).",
        "",
        "Wall time from the request to the finished job; CPU time (user + system) and peak RSS of "
        "each worker process; load average (1, 5, 15 min) before and after each run. "
        f"At {whole} applications: the wall time per application times {total:,}.",
        "",
        "| documents | workers | wall time | CPU per worker | CPU per application | "
        f"at {total:,}: wall | peak RSS per worker | load before | load after |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in runs:
        cpu = " + ".join(f"{value:.0f} s" for value in run["cpu"])
        rss = ", ".join(f"{value:.0f} MB" for value in run["rss"])
        per = 1000 * sum(run["cpu"]) / max(run["summaries"], 1)
        at_total = run["wall"] / max(run["summaries"], 1) * total
        lines.append(
            f"| {run['documents']} | {run['workers']} | {run['wall']:.0f} s | {cpu} | {per:.1f} ms "
            f"| {at_total / 60:.1f} min | {rss} | {run['load']} | {run['load_after']} |"
        )
    for documents in ("none kept", "kept"):
        pair = [run for run in runs if run["documents"] == documents]
        if len(pair) == 2:
            lines += [
                "",
                f"Speed-up with two workers, documents {documents}: "
                f"{pair[0]['wall'] / pair[1]['wall']:.2f}×.",
            ]
    lines.append(END)
    text = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else "# Benchmarks\n"
    if START in text:  # the other sections of the file stay as they are
        text = text[: text.index(START)] + "\n".join(lines) + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    OUTPUT.write_text(text, encoding="utf-8")
    print("\n".join(lines))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", default="BENCH-10000")
    parser.add_argument("--applications", type=int, help="only the call's first N applications")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--prerender-sample", type=int, default=200, help="applications")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12", help="emptied first")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker()
    from grants.exports.call_data import application_ids

    os.environ["REDIS_URL"] = args.redis  # the workers' too
    app = create_app()
    app.config["REDIS_URL"] = os.environ["REDIS_URL"]
    app.config["PRERENDER_DOCUMENTS"] = False  # this process measures the pre-rendering itself
    with app.app_context():
        db.create_all()  # the tables of a database generated before they existed
        call_id = db.session.scalar(select(Call.id).where(Call.reference == args.reference))
        total = len(application_ids(call_id)) if call_id else 0
    if call_id is None:
        raise SystemExit(f"No call {args.reference}: make it with bench/dataset.py first.")
    runs = []
    with tempfile.TemporaryDirectory(prefix="bench-documents-") as kept:
        with tempfile.TemporaryDirectory(prefix="bench-prerender-") as sample:
            size = min(args.prerender_sample, args.applications or total)
            pre = prerender(app, call_id, size, Path(sample))
        print(pre, flush=True)
        for documents in ("none kept", "kept"):
            for number, workers in enumerate(args.workers):
                with (
                    tempfile.TemporaryDirectory(prefix="bench-zip-") as folder,
                    tempfile.TemporaryDirectory(prefix="bench-cold-") as cold,
                ):
                    app.config["EXPORT_DIR"] = folder
                    # the first run with none kept fills the space of the runs with them kept
                    fills = documents == "none kept" and number == 0
                    store = Path(kept if documents == "kept" or fills else cold)
                    app.config["DOCUMENT_DIR"] = str(store)
                    run = build(app, call_id, workers, args.applications, Path(folder), store)
                    runs.append(run | {"documents": documents})
                print(runs[-1], flush=True)
    write(pre, runs, args.reference, total, args.applications)


if __name__ == "__main__":
    main()
