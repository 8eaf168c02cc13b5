"""The cached page references of pydyf (reports.pdf_pages): the same references, pages added later
included, and the same tagged PDF byte for byte."""

import pydyf
import pytest
from weasyprint import HTML

from reports import pdf_pages


@pytest.fixture
def pydyf_own():
    """pydyf's own property while the test runs, the cached one after it if it was installed."""
    before = pydyf.PDF.page_references
    pydyf.PDF.page_references = pdf_pages.ORIGINAL
    yield
    pydyf.PDF.page_references = before


def test_the_references_follow_the_pages_added(pydyf_own):
    pdf = pydyf.PDF()
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    expected_one = pdf.page_references
    pdf_pages.install()
    assert pdf.page_references == expected_one and len(expected_one) == 1
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    pdf_pages.install()  # twice: no harm
    pydyf.PDF.page_references = pdf_pages.ORIGINAL
    expected_two = pdf.page_references
    pdf_pages.install()
    assert pdf.page_references == expected_two and len(expected_two) == 2


def test_a_tagged_pdf_comes_out_the_same(pydyf_own):
    rows = "".join(f"<tr><td>{n}</td><td>Row {n}</td></tr>" for n in range(400))
    document = HTML(
        string=f'<html lang="en"><title>T</title><h1>Rows</h1><table>{rows}</table>'
        '<a href="#end">end</a><p id="end">End</p></html>'
    ).render()
    assert len(document.pages) > 3
    own = document.write_pdf(pdf_tags=True)
    pdf_pages.install()
    assert document.write_pdf(pdf_tags=True) == own
