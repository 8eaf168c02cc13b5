"""The ZIP of application PDFs made in parts (grants/exports/parts.py): the same entries as one
build, a part that failed made again on retry without remaking the finished ones, a part left by a
dead worker taken again, exactly one assembly when two runs finish together."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from grants.exports import application_pdfs, parts
from grants.exports.call_data import application_ids
from grants.exports.jobs import request_export, retry
from grants.files import exports
from grants.jobs import commit
from grants.models import AuditEvent, ExportPart, JobStatus, ReportJob
from grants.models.base import now_utc
from tests.factories.exports import ranked_example

pytestmark = pytest.mark.usefixtures("files")


@pytest.fixture
def local_exports(app, tmp_path, monkeypatch):
    """The export files on the local disk whatever STORAGE_BACKEND says: the tests list what is
    stored (tests/integration/storage runs the store on both backends)."""
    monkeypatch.setitem(app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    monkeypatch.setitem(app.config, "STORAGE_BACKEND", "local")


@pytest.fixture
def small_parts(local_exports, monkeypatch):
    """Parts of two applications."""
    monkeypatch.setattr(parts, "PART_SIZE", 2)


def latest(db) -> ReportJob:
    db.session.expire_all()
    return db.session.scalar(select(ReportJob).order_by(ReportJob.id.desc()))


def texts(data: bytes) -> dict[str, str]:
    """Each entry of a ZIP of PDFs: its text (the index: as it is)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {
            name: archive.read(name).decode("utf-8-sig")
            if name == "index.csv"
            else "".join(page.extract_text() for page in PdfReader(archive.open(name)).pages)
            for name in archive.namelist()
        }


def stored() -> list[str]:
    root = exports().root
    return sorted(path.name for path in root.iterdir()) if root.exists() else []


def part_rows(db) -> int:
    return db.session.scalar(select(func.count()).select_from(ExportPart))


def test_the_zip_made_in_parts_holds_what_one_build_holds(db, tmp_path, small_parts):
    call = ranked_example()
    request_export(call.id, "application_pdfs", "en", None)
    commit()
    job = latest(db)
    assert (job.status, job.progress, job.error) == (JobStatus.finished, 100, None)
    application_pdfs.build(call.id, "en", lambda percent: None, tmp_path / "whole.zip")
    made, whole = texts(exports().get(job.file_path)), texts((tmp_path / "whole.zip").read_bytes())
    assert list(made) == list(whole) and made == whole
    assert len([name for name in made if name.endswith("/summary.pdf")]) > 4  # several parts
    assert job.file_name == "TTGS-DEMO-application-pdfs-en.zip"
    assert part_rows(db) == 0 and stored() == [job.file_path]


def test_a_failed_part_is_made_again_on_retry_and_the_finished_ones_are_not(
    db, monkeypatch, tmp_path, small_parts
):
    call = ranked_example()
    made: list[list[int]] = []
    write_part = application_pdfs.write_part

    def fails_once_on_the_second(call_id, ids, locale, path):
        made.append(ids)
        if len(made) == 2:
            raise RuntimeError("disk full")
        write_part(call_id, ids, locale, path)

    monkeypatch.setattr(application_pdfs, "write_part", fails_once_on_the_second)
    request_export(call.id, "application_pdfs", "en", None)
    commit()
    job = latest(db)
    assert (job.status, job.error) == (JobStatus.failed, "disk full")
    rows = db.session.scalars(select(ExportPart).order_by(ExportPart.number)).all()
    assert [row.status for row in rows[:2]] == [JobStatus.finished, JobStatus.queued]
    first = made[0]
    retry(job, None)
    commit()
    job = latest(db)
    assert job.status is JobStatus.finished, job.error
    assert first not in made[2:] and made[2] == made[1]  # the failed part again, the first not
    every = sorted(sum((row.ids for row in rows), []))
    assert sorted(sum(made[2:], list(first))) == every  # each application made once in the end
    application_pdfs.build(call.id, "en", lambda percent: None, tmp_path / "whole.zip")
    assert texts(exports().get(job.file_path)) == texts((tmp_path / "whole.zip").read_bytes())
    assert part_rows(db) == 0


def test_a_part_left_by_a_dead_worker_is_taken_again_and_a_live_one_is_not(db, app, local_exports):
    call = ranked_example()
    job = ReportJob(kind="application_pdfs", call_id=call.id, status=JobStatus.running, rq_id="r1")
    db.session.add(job)
    db.session.commit()
    assert parts.plan(job.id, call.id, shared=True) == 1
    part_id = parts.take(job.id, "first")
    assert part_id is not None and parts.take(job.id, "second") is None  # it is first's
    stale = now_utc() - timedelta(seconds=7 * app.config["EXPORT_HEARTBEAT"])
    db.session.execute(update(ExportPart).values(heartbeat_at=stale))
    db.session.commit()
    assert parts.take(job.id, "second") == part_id  # first stopped beating: second takes it
    parts.make(part_id, "first", "en")  # first was alive after all: its result is dropped
    assert db.session.get(ExportPart, part_id, populate_existing=True).status is JobStatus.running
    assert stored() == []
    parts.make(part_id, "second", "en")
    assert db.session.get(ExportPart, part_id, populate_existing=True).status is JobStatus.finished


def test_of_two_runs_finishing_together_exactly_one_assembles(db, small_parts):
    call = ranked_example()
    request_export(call.id, "application_pdfs", "en", None)
    job = latest(db)
    job.status, job.rq_id = JobStatus.running, "old-run"
    db.session.commit()
    total = parts.plan(job.id, call.id, shared=True)
    for worker in ("a", "b") * total:  # two workers share the parts
        if (part_id := parts.take(job.id, worker)) is not None:
            parts.make(part_id, worker, "en")
    assert parts.finished(job.id) == total > 1
    assert parts.take_assembly(job.id, "new-run") is False  # a run that does not hold the job
    assert [parts.take_assembly(job.id, "old-run") for _ in "ab"] == [True, False]


def test_a_superseded_run_leaves_the_job_to_the_run_that_holds_it(db, monkeypatch, small_parts):
    call = ranked_example()
    request_export(call.id, "application_pdfs", "en", None)
    job = latest(db)
    retried_meanwhile = parts.take_assembly

    def retried(job_id, run_id):  # the job was retried while this run made its parts
        db.session.execute(update(ReportJob).values(rq_id="the-retry"))
        return retried_meanwhile(job_id, run_id)

    monkeypatch.setattr(parts, "take_assembly", retried)
    commit()
    job = latest(db)
    assert (job.status, job.file_path, job.rq_id) == (JobStatus.running, None, "the-retry")
    events = select(AuditEvent.action).where(
        AuditEvent.object_type == "ReportJob", AuditEvent.object_id == str(job.id)
    )
    assert list(db.session.scalars(events)) == ["export.requested"]


def test_parts_made_by_a_helper_are_only_assembled_by_the_run(db, monkeypatch, small_parts):
    call = ranked_example()
    job = request_export(call.id, "application_pdfs", "en", None)
    job.status = JobStatus.running  # taken by an rq worker, whose run handed out the parts
    db.session.commit()
    total = parts.plan(job.id, call.id, shared=True)
    assert parts.help_make(job.id, "another-run") is None and parts.finished(job.id) == 0
    parts.help_make(job.id, job.rq_id)  # another worker took every part
    assert parts.finished(job.id) == total > 1
    made: list[list[int]] = []
    monkeypatch.setattr(application_pdfs, "write_part", lambda *args: made.append(args[1]))
    db.session.execute(update(ReportJob).values(status=JobStatus.queued))
    commit()  # the run: nothing left to make, the ZIP assembled from the helper's parts
    job = latest(db)
    assert (job.status, made, part_rows(db)) == (JobStatus.finished, [], 0)
    with zipfile.ZipFile(io.BytesIO(exports().get(job.file_path))) as archive:
        summaries = [name for name in archive.namelist() if name.endswith("/summary.pdf")]
    assert len(summaries) == len(application_ids(call.id)) == len(set(summaries))


def test_through_rq_the_run_hands_out_helpers_and_the_zip_is_complete(
    app, db, monkeypatch, redis_url, small_parts
):
    from rq import SimpleWorker
    from rq.job import Job

    from grants.jobs import queue

    monkeypatch.setitem(app.config, "REDIS_URL", redis_url)
    q = queue()
    q.empty()
    call = ranked_example()
    request_export(call.id, "application_pdfs", "en", None)
    commit()
    SimpleWorker([q], connection=q.connection).work(burst=True)
    job = latest(db)
    assert job.status is JobStatus.finished, job.error
    total = -(-len(application_ids(call.id)) // parts.PART_SIZE)
    finished = Job.fetch_many(q.finished_job_registry.get_job_ids(), connection=q.connection)
    helpers = [
        j for j in finished if j and j.func_name.endswith("help_make") and job.rq_id in j.args
    ]
    assert len(helpers) == total - 1 and q.count == 0 and part_rows(db) == 0
    with zipfile.ZipFile(io.BytesIO(exports().get(job.file_path))) as archive:
        summaries = [name for name in archive.namelist() if name.endswith("/summary.pdf")]
    assert len(summaries) == len(application_ids(call.id)) == len(set(summaries))
