"""The export pages: staff only; downloads for staff only (404 for anyone else); the list polls
while a job is pending and costs the same queries however long it is; bad requests are refused with
the reason."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from grants.exports.jobs import request_export
from grants.files import exports
from grants.jobs import commit
from grants.models import JobStatus, ReportJob
from tests.conftest import count_queries
from tests.factories import make_call, make_org, make_user
from tests.factories.exports import ranked_example, use_export_dir


@pytest.fixture(autouse=True)
def files(app, tmp_path, monkeypatch):
    return use_export_dir(app, tmp_path, monkeypatch)


def finished_workbook(call) -> ReportJob:
    job = request_export(call.id, "workbook", "en", None)
    commit()
    assert job.status is JobStatus.finished
    return job


def test_the_call_page_links_to_its_exports(client, db, login_as):
    call = make_call()
    login_as("staff")
    assert f'href="/staff/calls/{call.id}/exports"' in client.get(
        f"/staff/calls/{call.id}"
    ).get_data(as_text=True)
    page = client.get(f"/staff/calls/{call.id}/exports").get_data(as_text=True)
    for label in ("Workbook (Excel)", "360Giving open data (JSON)", "Call bundle (JSON)"):
        assert label in page
    assert "Available once the decisions of the call are final." in page
    assert 'href="/staff/exports"' in page  # in the staff navigation


@pytest.mark.parametrize("role", ["applicant", "evaluator"])
def test_pages_are_for_staff(client, db, login_as, role):
    call = make_call()
    login_as(role)
    assert client.get(f"/staff/calls/{call.id}/exports").status_code == 403
    assert client.get("/staff/exports").status_code == 403


def test_downloads_are_for_staff_only(client, db, login_as, files):
    job = finished_workbook(ranked_example())
    url = f"/staff/exports/{job.id}/download"
    assert client.get(url).status_code == 404  # not signed in
    login_as("applicant")
    assert client.get(url).status_code == 404
    login_as("evaluator")
    assert client.get(url).status_code == 404
    login_as("admin")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=TTGS-DEMO-workbook.xlsx"
    assert response.get_data() == exports().get(job.file_path)
    assert client.get(f"/staff/exports/{job.id + 1}/download").status_code == 404


def test_a_file_gone_from_the_disk_is_not_found(client, db, login_as, files):
    job = finished_workbook(ranked_example())
    exports().delete(job.file_path)
    login_as("staff")
    assert client.get(f"/staff/exports/{job.id}/download").status_code == 404


def test_the_list_polls_only_while_a_job_is_pending(client, db, login_as):
    call = make_call()
    login_as("staff")
    response = client.get(f"/staff/exports/list?call_id={call.id}")
    assert response.status_code == 286  # htmx: stop polling
    assert "hx-trigger" not in response.get_data(as_text=True)
    db.session.add(
        ReportJob(
            kind="workbook",
            call_id=call.id,
            params={"locale": "en"},
            progress=40,
            status=JobStatus.running,
        )
    )
    db.session.commit()
    response = client.get(f"/staff/exports/list?call_id={call.id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert (
        'hx-trigger="every 2s"' in html
        and f'hx-get="/staff/exports/list?call_id={call.id}"' in html
    )
    assert '<progress max="100" value="40"' in html and "Running" in html
    page = client.get(f"/staff/calls/{call.id}/exports").get_data(as_text=True)
    assert (
        'hx-trigger="every 2s"' in page and "Refresh" in page
    )  # the page polls; without JS, a link


def test_the_list_costs_the_same_queries_however_long(client, db, login_as):
    login_as("staff")
    calls = [make_call() for _ in range(3)]
    users = [make_user("staff") for _ in range(3)]

    def add(count: int) -> None:
        for n in range(count):
            db.session.add(
                ReportJob(
                    kind="workbook",
                    call_id=calls[n % 3].id,
                    requested_by_id=users[n % 3].id,
                    params={"locale": "en"},
                    status=JobStatus.finished,
                    progress=100,
                    file_name=f"f{n}.xlsx",
                    file_path=f"f{n}.xlsx",
                )
            )
        db.session.commit()

    add(2)
    with count_queries(db.engine) as small:
        assert client.get("/staff/exports").status_code == 200
    add(30)
    with count_queries(db.engine) as larger:
        html = client.get("/staff/exports").get_data(as_text=True)
    assert html.count("Download f") == 32
    assert len(larger) == len(small)


def test_open_data_is_refused_before_the_decisions_are_final(client, db, login_as, post):
    call = make_call()
    login_as("staff")
    response = post(
        f"/staff/calls/{call.id}/exports/giving360_json", page=f"/staff/calls/{call.id}/exports"
    )
    assert response.status_code == 400
    assert (
        "360Giving open data (JSON) can be requested once the decisions of the call are final."
        in response.get_data(as_text=True)
    )
    assert db.session.scalar(select(func.count()).select_from(ReportJob)) == 0


def test_a_language_that_is_not_offered_is_refused(client, db, login_as, post):
    pytest.importorskip("grants.exports.evaluation_report")
    call = make_call()
    login_as("staff")
    response = post(
        f"/staff/calls/{call.id}/exports/evaluation_report",
        {"evaluation_report-language": "de"},
        page=f"/staff/calls/{call.id}/exports",
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#evaluation_report-language"' in html and "Not a valid choice" in html
    assert db.session.scalar(select(func.count()).select_from(ReportJob)) == 0


def test_a_request_is_listed_with_its_download(client, db, login_as, post):
    call = ranked_example()
    staff = login_as("staff", organisation=make_org())
    post(f"/staff/calls/{call.id}/exports/workbook", page=f"/staff/calls/{call.id}/exports")
    html = client.get(f"/staff/calls/{call.id}/exports").get_data(as_text=True)
    job = db.session.scalar(select(ReportJob))
    assert f'href="/staff/exports/{job.id}/download">Download TTGS-DEMO-workbook.xlsx' in html
    assert staff.name in html and "Done" in html
    index = client.get("/staff/exports").get_data(as_text=True)
    assert "TTGS-DEMO" in index and "Download TTGS-DEMO-workbook.xlsx" in index
