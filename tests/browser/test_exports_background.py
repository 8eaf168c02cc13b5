"""Journey (issue 12.5): without Redis, staff request the ZIP of application PDFs; the page answers
at once, the app's worker thread makes the file while the progress bar moves on the page by itself,
then staff download it."""

import io
import re
import threading
import zipfile

import pytest
from playwright.sync_api import expect

from grants.exports import jobs, worker
from tests.browser.helpers import log_in
from tests.factories import make_application, make_call, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def in_thread(live_app, tmp_path, monkeypatch):
    """The live app makes exports in its worker thread; the thread is stopped afterwards."""
    monkeypatch.setitem(live_app.config, "JOBS_IN_THREAD", True)
    monkeypatch.setitem(live_app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    yield
    running = live_app.extensions.pop(worker.KEY, None)
    if running is not None:
        running.stop()


def test_the_zip_is_made_in_the_background_and_its_progress_moves(
    page, live_db, live_app, in_thread, tmp_path, monkeypatch
):
    started, seen_at_0, seen_at_33 = threading.Event(), threading.Event(), threading.Event()
    first: list[int] = []  # the first progress written (the part made: the ZIP is made in parts)
    real_writer = jobs._progress_writer

    def held_writer(job_id):  # the worker waits for the test before and after its first progress
        write = real_writer(job_id)

        def progress(percent):
            if not started.is_set():
                first.append(percent)
                started.set()
                seen_at_0.wait(30)
                write(percent)
                seen_at_33.wait(30)
            else:
                write(percent)

        return progress

    monkeypatch.setattr(jobs, "_progress_writer", held_writer)
    call = make_call("TTGS-ZIP", status="evaluation")
    for title in ("Green twin towns", "Culture bridges", "Water for all"):
        make_application(call, status="admissible", title=title)
    make_user("staff", email="staff@example.org", name="Selin Staff")
    live_db.session.commit()

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}/exports")
    page.get_by_role("button", name="Request Application PDFs (ZIP)").click()

    expect(page.get_by_role("status").first).to_contain_text(
        "Application PDFs (ZIP) was requested."
    )
    row = page.get_by_role("row", name=re.compile("Application PDFs"))
    bar = row.get_by_role("progressbar")
    expect(bar).to_have_attribute(
        "value", "0"
    )  # the page came back before any of the work was done
    assert started.wait(30), "the worker thread never started the ZIP"
    expect(row).to_contain_text("Running", timeout=15_000)  # htmx brings the status in, no reload
    seen_at_0.set()
    assert 0 < first[0] < 100
    expect(bar).to_have_attribute("value", str(first[0]), timeout=15_000)  # ... and the progress
    seen_at_33.set()

    expect(row).to_contain_text("Done", timeout=30_000)
    expect(bar).to_have_attribute("value", "100")
    with page.expect_download() as download:
        row.get_by_role("link", name="Download TTGS-ZIP-application-pdfs-en.zip").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert sorted(archive.namelist()) == [
        *(f"TTGS-ZIP-000{n}/summary.pdf" for n in (1, 2, 3)),
        "index.csv",
    ]
    page.screenshot(path=str(tmp_path / "exports-done.png"), full_page=True)
