"""Time and peak memory of the exports of the benchmark call (bench.dataset), written to
bench/BENCHMARKS.md.

Each export is built in a process of its own, so that its peak resident memory (ru_maxrss) is its
own; with --tracemalloc a second run gives the peak of Python's allocations (slow: tracemalloc costs
several times the build's time). Kinds whose module does not exist yet are left out.

Two baselines run in the same run, each in a process of its own, so that a shared machine's load
weighs on them as on the exports: XlsxWriter in constant-memory mode making the same calls (the
same rows, cells and formats) the workbook export made, replayed from memory (recorded by a second
build, untimed), and WeasyPrint rendering a plain 10,000-row table (the naive use of the engine the
evaluation report uses).

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
BASELINES = ("xlsxwriter", "weasyprint")
NAIVE_ROWS = 10_000
OUTPUT = Path(__file__).resolve().parent / "BENCHMARKS.md"
MB = 1024 * 1024
START, END = "<!-- export benchmark: start -->", "<!-- export benchmark: end -->"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def cpu_seconds() -> float:
    """User and system CPU time of this process and of its children that have ended."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


def children_rss_mb() -> float:
    """The largest peak resident memory of this process's children that have ended (0: none)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def build_children_rss_mb(before: float) -> float:
    """The children's peak if a child started by the build exceeded those before it (ru_maxrss of
    children is a maximum over the process's life), else 0."""
    after = children_rss_mb()
    return after if after > before else 0.0


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
        before, children_before = rss_mb(), children_rss_mb()
        with tempfile.TemporaryDirectory() as tmp, force_locale("en"):
            path = Path(tmp) / f"export{KINDS[kind].suffix}"
            if traced:
                tracemalloc.start()
            started, cpu = time.perf_counter(), cpu_seconds()
            builder(call_id, "en", lambda percent: None, path)
            seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
            peak = tracemalloc.get_traced_memory()[1] / MB if traced else None
            size = path.stat().st_size / MB
    return {
        "kind": kind,
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        "rss_peak_mb": rss_mb(),
        "children_rss_peak_mb": build_children_rss_mb(children_before),
        "traced_peak_mb": peak,
        "size_mb": size,
    }


def run_apart(kind: str, reference: str, traced: bool, *extra: str) -> dict | None:
    command = [sys.executable, "-m", "bench.bench_exports", "--one", kind, "--reference", reference]
    result = subprocess.run(
        command + (["--traced"] if traced else []) + list(extra),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


class _Recorder:
    """A worksheet that records each call made on it (formats by their number) before making it."""

    def __init__(self, worksheet, number: int, calls: list) -> None:
        self._worksheet, self._number, self._calls = worksheet, number, calls

    def __getattr__(self, name: str):
        method = getattr(self._worksheet, name)

        def recorded(*args):
            self._calls.append((name, (self._number, *(_FormatRef.of(a) for a in args))))
            return method(*args)

        return recorded


class _FormatRef(tuple):
    @classmethod
    def of(cls, value):
        from xlsxwriter.format import Format

        return cls((value._bench_number,)) if isinstance(value, Format) else value


def record_workbook(reference: str, calls_path: Path) -> None:
    """Build the workbook once more, recording every call made on XlsxWriter (untimed)."""
    import pickle  # noqa: PLC0415 (a bench file of our own, read back by replay_workbook)

    from xlsxwriter import Workbook

    from reports import workbook as module

    calls: list = []  # ("format", properties) / ("sheet", title) / (method, (sheet, *args))

    class Recording(Workbook):
        def __init__(self, *args, **kwargs):
            self._started = False  # the workbook's own default formats are not recorded
            super().__init__(*args, **kwargs)
            self._started = True

        def add_format(self, properties=None):
            made = super().add_format(properties)
            if self._started:
                calls.append(("format", dict(properties or {})))
                made._bench_number = sum(1 for c in calls if c[0] == "format") - 1
            return made

        def add_worksheet(self, name=None, worksheet_class=None):
            calls.append(("sheet", name))
            number = sum(1 for c in calls if c[0] == "sheet") - 1
            return _Recorder(super().add_worksheet(name, worksheet_class), number, calls)

    module.Workbook = Recording
    app = create_app()
    with app.app_context(), tempfile.TemporaryDirectory() as tmp, force_locale("en"):
        call_id = db.session.scalar(select(Call.id).where(Call.reference == reference))
        KINDS["workbook"].builder()(call_id, "en", lambda percent: None, Path(tmp) / "w.xlsx")
    with calls_path.open("wb") as out:
        pickle.dump(calls, out, protocol=pickle.HIGHEST_PROTOCOL)


def replay_workbook(calls_path: Path) -> dict:
    """XlsxWriter in constant-memory mode making the recorded calls, from memory: the same sheets,
    rows, cells and formats as the export, without reading the database or making the records."""
    import pickle  # noqa: PLC0415

    from xlsxwriter import Workbook

    with calls_path.open("rb") as recorded:
        calls = pickle.load(recorded)  # noqa: S301 (a file this benchmark just wrote)
    before = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plain.xlsx"
        book = Workbook(
            str(path),
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
        )
        formats, sheets, plan = [], [], []
        for name, args in calls:  # the calls ready to make, before the clock starts
            if name == "format":
                formats.append(book.add_format(args))
            elif name == "sheet":
                sheets.append(book.add_worksheet(args))
            else:
                made = tuple(formats[a[0]] if isinstance(a, _FormatRef) else a for a in args[1:])
                plan.append((getattr(sheets[args[0]], name), made))
        started = time.perf_counter()
        for method, args in plan:
            method(*args)
        book.close()
        seconds = time.perf_counter() - started
        size = path.stat().st_size / MB
    cells = sum(1 for name, _args in calls if name.startswith("write_"))
    return {
        "kind": "xlsxwriter",
        "seconds": seconds,
        "rss_before_mb": before,
        "rss_peak_mb": rss_mb(),
        "traced_peak_mb": None,
        "size_mb": size,
        "cells": cells,
    }


def naive_table(rows: int = NAIVE_ROWS) -> dict:
    """WeasyPrint rendering a plain table of `rows` rows (eight cells: the ranking's columns) with
    the evaluation report's page numbers, as one document: the naive use of the engine."""
    from weasyprint import CSS, HTML  # noqa: PLC0415

    style = (
        "@page { size: A4 landscape; margin: 20mm 15mm 18mm; "
        "@bottom-right { content: counter(page) ' / ' counter(pages); font-size: 7.5pt; } } "
        "body { font-family: 'DejaVu Sans', sans-serif; font-size: 7.5pt; } "
        "table { width: 100%; border-collapse: collapse; } "
        "th, td { border-bottom: 0.2mm solid #bbb; padding: 0.6mm 1mm; text-align: left; }"
    )
    body = "".join(
        f"<tr><td>{n}</td><td>BENCH-10000-{n:05d}</td><td>Municipality {n} (TR)</td>"
        f"<td>{n % 100}.50</td><td>20.00 22.50 15.00 17.00 13.00</td><td>€75,000.00</td>"
        "<td>Awarded</td><td>€75,000.00</td></tr>"
        for n in range(1, rows + 1)
    )
    html = (
        '<html lang="en"><body><table><thead><tr><th>Rank</th><th>Reference</th>'
        "<th>Lead applicant</th><th>Final score</th><th>Sections</th><th>Requested</th>"
        f"<th>Decision</th><th>Awarded</th></tr></thead><tbody>{body}</tbody></table></body></html>"
    )
    before = rss_mb()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "plain.pdf"
        started, cpu = time.perf_counter(), cpu_seconds()
        HTML(string=html).write_pdf(path, stylesheets=[CSS(string=style)])
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        size = path.stat().st_size / MB
    return {
        "kind": "weasyprint",
        "seconds": seconds,
        "cpu_seconds": cpu,
        "rss_before_mb": before,
        "rss_peak_mb": rss_mb(),
        "traced_peak_mb": None,
        "size_mb": size,
    }


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


def write(results: list[dict], baselines: dict[str, dict], data: dict, reference: str) -> None:
    lines = [
        START,
        "## Exports",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `make bench` (bench/bench_exports.py) "
        f"on {machine()}; load average {data['load']} when the run began.",
        f"Database: {data['database']}. Call {reference}: {data['applications']:,} applications, "
        f"{data['partners']:,} partners, {data['lines']:,} budget lines, {data['scores']:,} scores "
        "(generated by bench/dataset.py).",
        "",
        "Each export and each baseline is built in a process of its own, one after the other in "
        "the same run. *Peak RSS* is the process's peak resident memory (ru_maxrss), *at start* "
        "the same before the build began (interpreter, application and libraries loaded), with the "
        "peak of any child process the build started after it (+); *CPU time* is user and system "
        "time of the process and its children during the build; *Python "
        "peak* is the peak of Python's allocations during the build (tracemalloc, a separate run "
        "with --tracemalloc; – when not measured).",
        "",
        "| export | time | CPU time | peak RSS | at start | Python peak | file |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r['kind']} | {r['seconds']:.1f} s | {r['cpu_seconds']:.1f} s | "
            f"{r['rss_peak_mb']:.0f} MB{_children(r)} | {r['rss_before_mb']:.0f} MB "
            f"| {_mb(r['traced_peak_mb'])} | {r['size_mb']:.1f} MB |"
        )
    plain, naive = baselines.get("xlsxwriter"), baselines.get("weasyprint")
    lines += ["", "Baselines, in the same run:", ""]
    if plain:
        lines.append(
            f"- XlsxWriter in constant-memory mode making the same calls as the workbook export "
            f"({plain['cells']:,} cells, the same sheets and formats), replayed from memory: "
            f"{plain['seconds']:.1f} s ({plain['size_mb']:.1f} MB file; its RSS is not comparable: "
            "the recorded calls are held in memory)."
        )
    if naive:
        lines.append(
            f"- WeasyPrint rendering a plain {NAIVE_ROWS:,}-row table (eight cells a row, page "
            f"numbers) as one document: {naive['seconds']:.1f} s "
            f"({naive['cpu_seconds']:.1f} s CPU), peak RSS {naive['rss_peak_mb']:.0f} MB "
            f"({naive['rss_before_mb']:.0f} MB at start)."
        )
    found = {r["kind"]: r for r in results}
    lines += ["", "Targets at 10,000 applications (issue 18):", ""]
    if "workbook" in found and plain:
        book = found["workbook"]
        ratio = book["seconds"] / plain["seconds"]
        met = ratio <= 1.5 and book["rss_peak_mb"] < 200
        lines.append(
            f"- workbook within 1.5x the XlsxWriter baseline's time and under 200 MB: "
            f"{ratio:.2f}x, {book['rss_peak_mb']:.0f} MB: {'met' if met else 'not met'}."
        )
    if "evaluation_report" in found:
        report = found["evaluation_report"]
        met = report["seconds"] < 30 and report["rss_peak_mb"] < 400
        versus = (
            f" ({report['seconds'] / naive['seconds']:.2f}x the naive table's time)"
            if naive
            else ""
        )
        lines.append(
            f"- evaluation report under 30 s and 400 MB, beating the naive table: "
            f"{report['seconds']:.1f} s{versus}, {report['rss_peak_mb']:.0f} MB: "
            f"{'met' if met else 'not met'}."
        )
    lines += [
        "",
        "The machine's 2 CPUs are shared with other work (the load average above): absolute times "
        "vary from run to run by a factor of 2 or more; the ratios to the baselines of the same "
        "run are what to compare.",
        END,
    ]
    text = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else "# Benchmarks\n"
    if START in text:  # the other sections of the file (e.g. the load benchmark's) stay as they are
        text = text[: text.index(START)] + "\n".join(lines) + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines) + "\n"
    OUTPUT.write_text(text, encoding="utf-8")
    print("\n".join(lines))


def _children(result: dict) -> str:
    children = result.get("children_rss_peak_mb") or 0
    return f" + {children:.0f} MB" if children else ""


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f} MB"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reference", default="BENCH-10000")
    parser.add_argument("--one", choices=MEASURED + BASELINES + ("record",), help=argparse.SUPPRESS)
    parser.add_argument("--calls", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--tracemalloc", action="store_true", help="also measure Python's allocation peak"
    )
    args = parser.parse_args(argv)
    if args.one == "record":
        record_workbook(args.reference, args.calls)
        print(json.dumps(None))
        return
    if args.one == "xlsxwriter":
        print(json.dumps(replay_workbook(args.calls)))
        return
    if args.one == "weasyprint":
        print(json.dumps(naive_table()))
        return
    if args.one:
        print(json.dumps(measure(args.one, args.reference, args.traced)))
        return
    load = ", ".join(f"{n:.1f}" for n in os.getloadavg())
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
            f"{kind}: {timed['seconds']:.1f} s ({timed['cpu_seconds']:.1f} s CPU), "
            f"peak RSS {timed['rss_peak_mb']:.0f} MB{_children(timed)}",
            flush=True,
        )
    baselines = {}
    with tempfile.TemporaryDirectory() as tmp:
        calls = Path(tmp) / "calls.pickle"
        run_apart("record", args.reference, False, "--calls", str(calls))
        baselines["xlsxwriter"] = run_apart(
            "xlsxwriter", args.reference, False, "--calls", str(calls)
        )
    baselines["weasyprint"] = run_apart("weasyprint", args.reference, False)
    for name, found in baselines.items():
        print(f"baseline {name}: {found['seconds']:.1f} s", flush=True)
    data = dataset(args.reference)
    data["load"] = load
    write(results, baselines, data, args.reference)


if __name__ == "__main__":
    main()
