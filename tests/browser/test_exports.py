"""Journey: staff request the workbook of the example call, watch its progress reach done while a
worker builds it (the page updates itself), download it and find the awards in it."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

import grants
from grants.awards import rank_call
from grants.bundle import import_bundle, load
from grants.exports import jobs
from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

EXAMPLE = Path(grants.__file__).parent / "data" / "ttgs-demo.bundle.json"


def test_staff_request_watch_and_download_the_workbook(
    page, live_db, live_app, tmp_path, monkeypatch
):
    monkeypatch.setitem(live_app.config, "EXPORT_DIR", str(tmp_path / "exports"))
    waiting = []  # the queue: held here until "the worker" below picks the job up
    monkeypatch.setattr(jobs, "defer", lambda func, *args, **options: waiting.append((func, args)))
    call = import_bundle(load(EXAMPLE))
    live_db.session.flush()
    rank_call(call.id)
    make_user("staff", email="staff@example.org", name="Selin Staff")
    live_db.session.commit()

    log_in(page, "staff@example.org")
    page.goto(f"/staff/calls/{call.id}")
    page.get_by_role("main").get_by_role("link", name="Reports and exports").click()
    page.get_by_role("button", name="Request Workbook (Excel)").click()
    expect(page.get_by_role("status").first).to_contain_text("Workbook (Excel) was requested.")
    row = page.get_by_role("row", name=re.compile("Workbook"))
    expect(row).to_contain_text("Waiting")
    expect(row.get_by_role("progressbar")).to_have_attribute("value", "0")

    [(run, args)] = waiting
    run(*args)  # the worker builds the file; the page is not reloaded

    expect(row).to_contain_text("Done", timeout=15_000)
    expect(row.get_by_role("progressbar")).to_have_attribute("value", "100")
    with page.expect_download() as download:
        row.get_by_role("link", name="Download TTGS-DEMO-workbook.xlsx").click()
    assert download.value.suggested_filename == "TTGS-DEMO-workbook.xlsx"
    path = tmp_path / "downloaded.xlsx"
    download.value.save_as(path)
    book = load_workbook(path)
    assert book.sheetnames == [
        "Applications",
        "Partners",
        "Budget lines",
        "Evaluations",
        "Ranking",
        "Awards",
        "Summary",
        "Changed decisions",
        "Declarations",
    ]
    awarded = [r[10] for r in book["Awards"].iter_rows(min_row=2, values_only=True)]
    assert sum(Decimal(str(a)) for a in awarded) == Decimal("2572766")
