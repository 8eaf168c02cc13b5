"""Journey (issue 16, gap 1): an anonymous visitor finds a decided call's results from the public
index, opens its results page and downloads the open data as CSV, which a spreadsheet reads (UTF-8
with BOM, one row per published grant, never the reserve list); in English and Turkish, on a desktop
screen and on a phone."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import _sideways, _widest
from tests.factories import make_call
from tests.factories.awards import decided_call

pytestmark = pytest.mark.browser


def _decided_call(live_db):
    """A call whose decisions are final (two grants and a reserve-list application), and an open
    call."""
    make_call(reference="TTGS-2027", title="Town Twinning 2027", deadline_in=timedelta(days=30))
    decided_call(live_db.session)


@pytest.mark.parametrize("locale", ["en", "tr"])
def test_a_visitor_finds_the_results_from_the_index_and_downloads_the_csv(page, live_db, locale):
    _decided_call(live_db)
    page.goto("/")
    if locale == "tr":
        page.get_by_role("button", name="Türkçe").click()
        expect(page.locator("html")).to_have_attribute("lang", "tr")
    results = page.get_by_role("region", name="Sonuçlar" if locale == "tr" else "Results")
    expect(results).not_to_contain_text("TTGS-2027")  # the open call is listed above, not here
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"/tmp/p16-index-desktop-{locale}.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert _sideways(page) <= 0, _widest(page)
    page.screenshot(path=f"/tmp/p16-index-phone-{locale}.png", full_page=True)
    name = "Town Twinning 2025 sonuçları" if locale == "tr" else "Results of Town Twinning 2025"
    results.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("table")).to_contain_text("Nilüfer Belediyesi")
    assert _sideways(page) <= 0, _widest(page)
    page.screenshot(path=f"/tmp/p16-results-phone-{locale}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=f"/tmp/p16-results-desktop-{locale}.png", full_page=True)
    label = "Açık veri olarak indir (CSV)" if locale == "tr" else "Download as open data (CSV)"
    with page.expect_download() as download:
        page.get_by_role("link", name=label).click()
    assert download.value.suggested_filename == "TTGS-2025-results.csv"
    data = open(download.value.path(), "rb").read()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM: Excel reads the Turkish letters
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert header[:2] == ["Reference", "Beneficiary"] and header[-3:] == [
        "Amount",
        "Currency",
        "Publication date",
    ]  # open data: the same columns in either language
    assert [(row[1], row[10]) for row in rows] == [
        ("Nilüfer Belediyesi", "125000.50"),
        ("Çankaya Belediyesi", "98000.00"),
    ]
    assert "Reserve-list project" not in data.decode("utf-8-sig")
