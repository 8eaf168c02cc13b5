"""An uploaded attachment and a finished export go through the app's file store on either backend:
kept where the backend keeps them (the folder, or the bucket: nothing on the local disk),
downloaded back the same, and a deleted attachment's file removed after the commit."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from grants.models import Attachment, JobStatus, ReportJob
from tests.factories import make_application, make_call
from tests.factories.submission import PDF, upload


def kept(backend: str, request, tmp_path: Path, space: str, key: str) -> bytes | None:
    """The file as the backend holds it, read behind the store's back; None if there is none."""
    if backend == "local":
        path = tmp_path / space / key
        return path.read_bytes() if path.is_file() else None
    settings, s3 = request.getfixturevalue("s3_settings"), request.getfixturevalue("s3")
    try:
        found = s3.get_object(Bucket=settings["S3_BUCKET"], Key=f"{space}/{key}")
    except s3.exceptions.NoSuchKey:
        return None
    return found["Body"].read()


def files_on_disk(tmp_path: Path) -> list[str]:
    return sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())


def test_an_uploaded_attachment_is_kept_downloaded_and_removed(
    app_on, client, login_as, post, db, request, tmp_path
):
    lead = login_as("applicant")
    application = make_application(make_call(), lead=lead.organisation)
    db.session.commit()
    assert upload(post, application, "declaration", PDF, "Beyan.pdf").status_code == 302
    attachment = db.session.scalars(
        select(Attachment).where(Attachment.application_id == application.id)
    ).one()
    assert kept(app_on, request, tmp_path, "uploads", attachment.stored_name) == PDF
    if app_on == "s3":
        assert files_on_disk(tmp_path) == []

    response = client.get(f"/attachments/{attachment.id}")
    assert response.status_code == 200 and response.get_data() == PDF
    assert response.headers["Content-Disposition"] == "attachment; filename=Beyan.pdf"

    page = f"/applications/{application.id}/attachments"
    assert post(f"/attachments/{attachment.id}/delete", page=page).status_code == 302
    assert kept(app_on, request, tmp_path, "uploads", attachment.stored_name) is None
    assert client.get(f"/attachments/{attachment.id}").status_code == 404


@pytest.mark.parametrize(
    "kind, mimetype",
    [
        ("workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("bundle", "application/json"),
    ],
)
def test_a_finished_export_is_kept_and_downloaded(
    app_on, client, login_as, post, db, request, tmp_path, kind, mimetype
):
    call = make_call()
    login_as("staff")
    exports = f"/staff/calls/{call.id}/exports"
    response = post(f"{exports}/{kind}", page=exports)
    assert response.status_code == 302
    db.session.expire_all()
    job = db.session.scalars(select(ReportJob).where(ReportJob.call_id == call.id)).one()
    assert job.status is JobStatus.finished, job.error
    stored = kept(app_on, request, tmp_path, "exports", job.file_path)
    assert stored and stored[:1] in (b"P", b"{")  # a workbook (a zip) or a bundle (JSON)
    if app_on == "s3":
        assert files_on_disk(tmp_path) == []  # the builder's temporary file is gone too

    response = client.get(f"/staff/exports/{job.id}/download")
    assert response.status_code == 200 and response.get_data() == stored
    assert response.headers["Content-Length"] == str(len(stored))
    assert response.mimetype == mimetype  # from the file's name, whatever the backend
