"""A ZIP of application PDFs made in parts that several workers share (docs: issue 18).

The job's own run (grants.exports.jobs.run, "the coordinator") divides the call's applications into
parts of PART_SIZE (ExportPart rows, committed), hands rq one helper job per other part
(`help_make`), then makes parts itself, oldest first, like any helper. A part is taken with one
conditional UPDATE (`take`), so that two workers never make the same one; the worker making it beats
a heartbeat, and a part whose worker stopped beating (killed) is taken again by the next worker that
looks. A finished part is a ZIP in the exports space of grants/files.py. When every part is done the
coordinator, and only the run that still holds the job (`take_assembly`), copies their entries into
the one ZIP (no PDF is made again) and their rows of the index into its `index.csv`, removes the
parts and finishes the job.

Without Redis (the app's worker thread, the in-request run of the tests) nobody helps: the
coordinator makes the parts one after the other. The parts are kept across a retry of the job, so
that a retried export makes only the parts not finished before.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
import socket
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from contextlib import closing, contextmanager, nullcontext
from pathlib import Path

from flask import current_app
from rq import get_current_job
from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from grants import files
from grants.exports import application_pdfs
from grants.exports.call_data import application_ids, load_call
from grants.exports.lost import stale_after
from grants.extensions import db
from grants.jobs import enqueue
from grants.models import ExportPart, JobStatus, ReportJob
from grants.models.base import now_utc

log = logging.getLogger(__name__)
PART_SIZE = 250  # applications per part: about a minute of one worker
POLL = 0.5  # seconds between two looks at the parts while other workers finish theirs
HELPER_TIMEOUT = 60 * 60


class Superseded(Exception):
    """This run no longer holds the job (it was retried, or another run finished it)."""


def build(job: ReportJob, locale: str, progress: Callable[[int], None], path: Path) -> str:
    """Make the job's ZIP at `path` with whatever workers help; the file name offered."""
    job_id, run_id, call = job.id, job.rq_id, load_call(job.call_id)
    name = application_pdfs.file_name(call, locale)
    shared = get_current_job() is not None  # by rq workers; else this run makes every part
    total = plan(job_id, call.id, shared)
    for _ in range(total - 1 if shared else 0):
        enqueue(help_make, job_id, run_id, timeout=HELPER_TIMEOUT)
    worker, shown = worker_name(), -1
    with beating(worker) if shared else nullcontext():
        while True:
            if not _holds(job_id, run_id):  # retried meanwhile: the new run makes the rest
                raise Superseded(job_id)
            if (part_id := take(job_id, worker)) is not None:
                make(part_id, worker, locale)
            done = finished(job_id)
            if (percent := min(98, 98 * done // max(total, 1))) != shown:
                progress(percent)
                shown = percent
            if done == total:
                break
            if part_id is None:
                time.sleep(POLL)  # the other parts are being made by other workers
    if not take_assembly(job_id, run_id):
        raise Superseded(job_id)
    assemble(job_id, path, locale)
    return name


def plan(job_id: int, call_id: int, shared: bool) -> int:
    """The job's parts, made now unless a run before made them; how many (committed). Unless rq
    workers share them, nobody else makes a part: those left running by a run before are waiting."""
    total = db.session.scalar(select(func.count()).where(ExportPart.job_id == job_id))
    if total and not shared:
        db.session.execute(
            update(ExportPart)
            .where(ExportPart.job_id == job_id, ExportPart.status == JobStatus.running)
            .values(status=JobStatus.queued, claimed_by=None)
            .execution_options(synchronize_session=False)
        )
    if not total:
        ids = application_ids(call_id)
        chunks = [ids[start : start + PART_SIZE] for start in range(0, len(ids), PART_SIZE)]
        db.session.add_all(
            ExportPart(job_id=job_id, number=number, ids=chunk)
            for number, chunk in enumerate(chunks or [[]], start=1)
        )
        total = len(chunks or [[]])
    db.session.commit()
    return total


def help_make(job_id: int, run_id: str) -> None:
    """rq task: make parts of the job's run `run_id` while some are waiting."""
    worker = worker_name()
    with beating(worker):
        while _holds(job_id, run_id) and (part_id := take(job_id, worker)) is not None:
            params = db.session.get(ReportJob, job_id).params
            locale = params.get("locale") or current_app.config["BABEL_DEFAULT_LOCALE"]
            try:
                make(part_id, worker, locale)
            except Exception:  # the coordinator takes the part again and reports the failure
                log.exception("Part %s of export %s failed", part_id, job_id)
                release(part_id, worker)
                return


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _holds(job_id: int, run_id: str | None) -> bool:
    job = db.session.get(ReportJob, job_id, populate_existing=True)
    db.session.commit()
    return job is not None and job.status is JobStatus.running and job.rq_id == run_id


def _open(limit):
    return or_(
        ExportPart.status == JobStatus.queued,
        and_(ExportPart.status == JobStatus.running, ExportPart.heartbeat_at < limit),
    )


def take(job_id: int, worker: str) -> int | None:
    """The part of the job that `worker` takes now (waiting, or left by a worker that stopped
    beating), committed; None if there is none."""
    limit = now_utc() - stale_after()
    candidates = db.session.scalars(
        select(ExportPart.id)
        .where(ExportPart.job_id == job_id, _open(limit))
        .order_by(ExportPart.number)
        .limit(4)
    ).all()
    for part_id in candidates:
        taken = db.session.execute(
            update(ExportPart)
            .where(ExportPart.id == part_id, _open(limit))
            .values(status=JobStatus.running, claimed_by=worker, heartbeat_at=now_utc())
            .execution_options(synchronize_session=False)
        ).rowcount
        db.session.commit()
        if taken == 1:
            return part_id
    return None


def make(part_id: int, worker: str, locale: str) -> None:
    """Make the part `worker` took: its ZIP kept in the exports space, the part finished; if it was
    taken from this worker meanwhile (it was thought dead), its file is dropped."""
    part = db.session.get(ExportPart, part_id, populate_existing=True)
    job = db.session.get(ReportJob, part.job_id)
    key = f"{part.job_id}-part-{part.number}-{secrets.token_hex(4)}.zip"
    try:
        with tempfile.TemporaryDirectory(prefix="twin-export-part-") as folder:
            path = Path(folder) / key
            application_pdfs.write_part(job.call_id, list(part.ids), locale, path)
            files.exports().put_file(key, path)
    except Exception:
        db.session.rollback()
        release(part_id, worker)
        raise
    done = db.session.execute(
        update(ExportPart)
        .where(
            ExportPart.id == part_id,
            ExportPart.status == JobStatus.running,
            ExportPart.claimed_by == worker,
        )
        .values(status=JobStatus.finished, file_path=key)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not done:
        files.exports().delete(key)


def release(part_id: int, worker: str) -> None:
    """Give back the part `worker` could not make, for the next worker (committed)."""
    db.session.execute(
        update(ExportPart)
        .where(ExportPart.id == part_id, ExportPart.claimed_by == worker)
        .values(status=JobStatus.queued, claimed_by=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def finished(job_id: int) -> int:
    count = db.session.scalar(
        select(func.count()).where(
            ExportPart.job_id == job_id, ExportPart.status == JobStatus.finished
        )
    )
    db.session.commit()
    return count


def take_assembly(job_id: int, run_id: str | None) -> bool:
    """Whether this run (still holding the job) assembles the ZIP: one conditional UPDATE, so that
    of two runs finishing together exactly one does (committed)."""
    taken = db.session.execute(
        update(ReportJob)
        .where(
            ReportJob.id == job_id,
            ReportJob.status == JobStatus.running,
            ReportJob.rq_id == run_id,
            ReportJob.progress < 99,
        )
        .values(progress=99, heartbeat_at=now_utc())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def assemble(job_id: int, path: Path, locale: str) -> None:
    """The one ZIP at `path` from the finished parts, in order (their entries copied, nothing made
    again), its index last (the parts' rows under one header in `locale`); the parts removed."""
    parts = db.session.scalars(
        select(ExportPart).where(ExportPart.job_id == job_id).order_by(ExportPart.number)
    ).all()
    store = files.exports()
    rows: list[bytes] = []
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            with tempfile.TemporaryFile() as copy:
                with closing(store.open(part.file_path)) as stored:
                    shutil.copyfileobj(stored, copy)
                copy.seek(0)
                with zipfile.ZipFile(copy) as source:
                    for entry in source.infolist():
                        if entry.filename == application_pdfs.INDEX:
                            rows.append(source.read(entry))
                            continue
                        with source.open(entry) as data, archive.open(entry, "w") as target:
                            shutil.copyfileobj(data, target)
        application_pdfs.write_index(archive, rows, locale)
    for part in parts:
        store.delete(part.file_path)
    db.session.execute(delete(ExportPart).where(ExportPart.job_id == job_id))
    db.session.commit()


@contextmanager
def beating(worker: str):
    """A heartbeat of the parts `worker` is making, every EXPORT_HEARTBEAT seconds, from a thread,
    while the block runs."""
    bind, done = db.session.get_bind(), threading.Event()
    seconds = current_app.config["EXPORT_HEARTBEAT"]

    def beat_on() -> None:
        while not done.wait(seconds):
            try:
                with Session(bind=bind) as session:
                    session.execute(
                        update(ExportPart)
                        .where(
                            ExportPart.claimed_by == worker,
                            ExportPart.status == JobStatus.running,
                        )
                        .values(heartbeat_at=now_utc())
                    )
                    session.commit()
            except Exception:  # a missed beat is no failure; stale_after allows several
                log.warning("Heartbeat of the parts of %s not written", worker, exc_info=True)

    thread = threading.Thread(target=beat_on, name=f"part-heartbeat-{worker}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()
