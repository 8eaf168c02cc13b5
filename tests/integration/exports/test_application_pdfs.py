"""The ZIP of application PDFs as its parts make it: the summary's stylesheet, parsed once and
handed to WeasyPrint beside the HTML, still lays out every page (A4, the reference on top, "page /
pages" below); a part loads the letters of its own applications only; the PDFs are stored, not
deflated again."""

from __future__ import annotations

import io
import re
import zipfile

from flask import current_app
from jinja2 import Environment
from pypdf import PdfReader

from grants.awards.queries.letters import letter_stages
from grants.exports.application_pdfs import decision_letters, write_part
from grants.models.base import now_utc
from reports.application_summary import stylesheet
from tests.factories import make_application, make_call

A4 = (595, 842)  # points, rounded


def entries(path) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: info for info in archive.infolist()}


def read(path, name: str) -> PdfReader:
    with zipfile.ZipFile(path) as archive:
        return PdfReader(io.BytesIO(archive.read(name)))


def test_a_long_summary_keeps_its_page_size_header_and_page_numbers(db, tmp_path):
    call = make_call("LONG-2026", status="evaluation")
    text = " ".join(f"Sentence {n} of a long summary about two twinned towns." for n in range(400))
    application = make_application(call, status="admissible", summary=text)
    db.session.commit()
    write_part(call.id, [application.id], "en", tmp_path / "part.zip")
    reader = read(tmp_path / "part.zip", f"{application.reference}/summary.pdf")
    pages = len(reader.pages)
    assert pages >= 3
    for number, page in enumerate(reader.pages, start=1):
        squeezed = re.sub(r"\s+", "", page.extract_text())
        assert application.reference in squeezed and f"{number}/{pages}" in squeezed
        assert tuple(round(float(side)) for side in page.mediabox[2:]) == A4
    assert "Sentence399ofalongsummary" in re.sub(
        r"\s+", "", "".join(page.extract_text() for page in reader.pages)
    )
    assert reader.metadata.title == f"Application {application.reference}"
    fonts = {
        str(font["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert fonts and all("DejaVu-Sans" in font for font in fonts)


def test_the_stylesheet_is_parsed_once_per_environment(db):
    env = current_app.jinja_env
    assert stylesheet(env) is stylesheet(env)
    other = Environment(loader=env.loader)
    assert stylesheet(other) is not stylesheet(env)


def test_a_part_holds_its_applications_pdfs_stored_and_only_their_letters(db, tmp_path):
    call = make_call("PART-2026", status="evaluation")
    first, second, third = (make_application(call, status="not_selected") for _ in range(3))
    call.finalised_at = now_utc()
    db.session.commit()
    assert set(decision_letters(call, [first.id, third.id])) == {first.id, third.id}
    assert [s.application_id for s in letter_stages(call, among=[second.id])] == [second.id]
    write_part(call.id, [first.id, third.id], "en", tmp_path / "part.zip")
    stored = entries(tmp_path / "part.zip")
    assert set(stored) == {
        f"{application.reference}/{name}"
        for application in (first, third)
        for name in ("summary.pdf", "decision-letter.pdf")
    } | {"index.csv"}  # the part's rows of the index
    pdfs = [info for name, info in stored.items() if name.endswith(".pdf")]
    assert {info.compress_type for info in pdfs} == {zipfile.ZIP_STORED}
    letter = read(tmp_path / "part.zip", f"{third.reference}/decision-letter.pdf")
    assert third.reference in re.sub(r"\s+", "", letter.pages[0].extract_text())
