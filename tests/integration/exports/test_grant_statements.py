"""The grant statements of a call (docs/domain.md 6): the workbook and the PDF list each contract
with its money, and the totals per lot and for the call; requested from the call's exports page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale
from openpyxl import load_workbook
from pypdf import PdfReader

from grants.exports import grant_statements
from grants.exports.kinds import KINDS, ExportError
from tests.factories import make_call, make_org
from tests.factories.grants import make_grant

D = Decimal


@pytest.fixture
def call(db):
    call = make_call(status="decided")
    running = make_grant(call=call, lead=make_org("TR", name='=HYPERLINK("x")', region="Van"))
    running.prefinancing_paid = running.paid_total = D("72000.00")
    ended = make_grant("terminated", call=call)
    ended.prefinancing_paid = ended.paid_total = D("72000.00")
    ended.final_amount, ended.recovered_total = D("36000.00"), D("10000.00")
    make_grant("draft", call=call)
    db.session.commit()
    return call


def test_the_workbook_lists_each_grant_with_money_as_numbers(db, call, tmp_path):
    path = tmp_path / "statements.xlsx"
    with force_locale("en"):
        name = grant_statements.build_xlsx(call.id, "en", lambda _p: None, path)
    assert name == f"{call.reference}-grant-statements.xlsx"
    book = load_workbook(path)
    assert book.sheetnames == ["Grants", "Summary"]
    sheet = book["Grants"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Contract number", "Beneficiary", "Partners", "Lot", "Status")
    assert [r[0] for r in rows[1:]] == [f"{call.reference}/G/00{n}" for n in (1, 2, 3)]
    first, second, draft = rows[1:]
    assert first[1] == '=HYPERLINK("x")' and sheet["B2"].data_type == "s"
    assert sheet["B2"].quotePrefix  # shown as typed, never run
    assert first[4] == "In force"
    # maximum, final, paid, recovered, still to pay, still to recover
    assert first[7:] == (90000, None, 72000, 0, 18000, 0)
    assert second[4] == "Terminated" and second[7:] == (90000, 36000, 72000, 10000, 0, 26000)
    assert draft[4] == "Draft contract"
    assert sheet["H2"].number_format == '#,##0.00 "EUR"'
    summary = list(book["Summary"].iter_rows(values_only=True))
    call_row = summary[-1]
    assert call_row[0] == f"Call {call.reference}"
    assert call_row[1:6] == (2, 180000, 144000, 18000, 10000)  # the draft is not contracted
    assert call_row[6] == pytest.approx(0.8)
    assert book["Summary"]["G2"].number_format == "0.00%"


def test_the_pdf_lists_the_same_in_the_language_asked(db, call, tmp_path):
    path = tmp_path / "statements.pdf"
    with force_locale("tr"):
        name = grant_statements.build_pdf(call.id, "tr", lambda _p: None, path)
    assert name.endswith("-grant-statements-tr.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(path).pages)
    compact = "".join(text.split())  # a narrow cell may wrap the contract number
    assert "Hibe hesap dökümleri" in text and f"{call.reference}/G/002" in compact
    assert "Feshedildi" in text  # terminated, in Turkish
    assert "26.000,00" in text and "144.000,00" in text


def test_a_call_without_contracts_has_no_statement(db, tmp_path):
    call = make_call(status="decided")
    db.session.commit()
    with pytest.raises(ExportError):
        grant_statements.build_xlsx(call.id, "en", lambda _p: None, tmp_path / "x.xlsx")


def test_staff_request_them_from_the_calls_exports_page(db, client, login_as, post, call, files):
    assert KINDS["grant_statements_xlsx"].available and KINDS["grant_statements_pdf"].available
    login_as("staff")
    page = f"/staff/calls/{call.id}/exports"
    html = client.get(page).get_data(as_text=True)
    assert "Grant statements (Excel)" in html and "Grant statements (PDF)" in html
    response = post(f"{page}/grant_statements_xlsx", page=page)
    assert response.status_code == 302
