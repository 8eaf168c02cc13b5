"""The contract's pages and document (docs/domain.md 7, Contract): a call's awarded applications
with "Prepare contract" (twice is once), the staff's list of grants, the grant's page with its
facts, the contract PDF in the reader's language on the contracting authority's letterhead."""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import func, select

from grants.contracts.services import prepare
from grants.extensions import db as _db
from grants.models import Grant
from tests.factories import make_authority, make_call, make_user
from tests.factories.grants import awarded_application, make_grant
from tests.factories.logframe import add_logframe

D = Decimal


def _text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def test_staff_prepare_a_contract_from_the_calls_page_once_however_often_they_click(
    db, client, login_as, post
):
    login_as("staff")
    call = make_call(status="decided", reference="TTGS-2027")
    first, second = awarded_application(call), awarded_application(call, D("50000.00"))
    _db.session.commit()
    page = f"/staff/calls/{call.id}/contracts"
    html = client.get(page).get_data(as_text=True)
    assert html.count("Prepare contract") == 2
    url = f"/staff/calls/{call.id}/applications/{second.id}/contract"
    response = post(url, page=page)
    grant = _db.session.scalar(select(Grant).where(Grant.application_id == second.id))
    assert response.headers["Location"] == f"/grants/{grant.id}/account"
    assert grant.number == "TTGS-2027/G/001" and grant.max_grant == D("50000.00")
    post(url, page=page)  # the second click, or the other tab
    assert "already has a contract" in client.get(page).get_data(as_text=True)
    assert _db.session.scalar(select(func.count()).select_from(Grant)) == 1
    post(f"/staff/calls/{call.id}/applications/{first.id}/contract", page=page)
    html = client.get(page).get_data(as_text=True)
    assert "TTGS-2027/G/002" in html and "Prepare contract" not in html


def test_the_staff_list_of_grants_filters_by_call_and_status(db, client, login_as):
    login_as("staff")
    call, other = make_call(status="decided"), make_call(status="decided")
    in_force = make_grant("in_force", call=call)
    draft = make_grant("draft", call=call)
    elsewhere = make_grant("sent", call=other)
    html = client.get("/staff/grants").get_data(as_text=True)
    assert all(g.number in html for g in (in_force, draft, elsewhere))
    html = client.get(f"/staff/grants?call={call.id}&status=draft").get_data(as_text=True)
    assert draft.number in html
    assert in_force.number not in html and elsewhere.number not in html
    assert "1 grant" in html


def test_the_grant_page_shows_the_contract_facts(db, client, login_as):
    grant = make_grant("in_force", awarded=D("100000.01"), requested_grant=D("100000.01"))
    grant.iban, grant.account_holder = "TR330006100519786457841326", "Çankaya"
    login_as(user=make_user("applicant", organisation=grant.application.lead))
    html = client.get(f"/grants/{grant.id}").get_data(as_text=True)
    assert grant.number in html and "In force" in html
    assert "€100,000.01" in html and "€107,000.00" in html
    # 100,000.01 / 107,000.00 = 0.934579532710...: shown to 6 decimals of the percentage
    assert "93.457953%" in html
    assert "24 months" in html and "January 1, 2027" in html and "December 31, 2028" in html
    assert "Periodic pre-financing instalments" in html
    assert "TR33 0006 1005 1978 6457 8413 26" in html
    # two reporting periods of 12 months: an interim report, then the final one
    assert "January 1, 2027 – December 31, 2027" in html and "Final report" in html
    assert "Versions of the contract" in html
    application_page = client.get(f"/applications/{grant.application_id}").get_data(True)
    assert "Your grant" in application_page and f"/grants/{grant.id}" in application_page


def test_the_contract_pdf_in_english_and_turkish(db, client, login_as):
    make_authority()
    application = awarded_application(make_call(status="decided", reference="TTGS-2027"))
    add_logframe(application, results=1, indicators=1)
    grant = prepare(application, None, datetime(2027, 1, 5, tzinfo=UTC))
    grant.iban, grant.account_holder = "TR330006100519786457841326", "Çankaya"
    login_as("staff")
    response = client.get(f"/grants/{grant.id}/contract.pdf")
    assert response.mimetype == "application/pdf"
    text = _text(response.data)
    for expected in (
        "TTGS-2027/G/001",
        "Directorate for EU Affairs",
        "Draft: this contract is not yet sent",
        "84.11215%",  # 90,000 / 107,000
        "TR33 0006 1005 1978 6457 8413 26",
        "Annex III",
        "Joint events held",
        "€72,000.00",  # the single pre-financing: 80 % of 90,000
    ):
        assert expected in text, expected
    if os.environ.get("CONTRACT_PDF"):  # to look at it
        Path(os.environ["CONTRACT_PDF"]).write_bytes(response.data)
    with client.session_transaction() as session:
        session["lang"] = "tr"
    turkish_pdf = client.get(f"/grants/{grant.id}/contract.pdf").data
    if os.environ.get("CONTRACT_PDF"):
        Path(os.environ["CONTRACT_PDF"]).with_suffix(".tr.pdf").write_bytes(turkish_pdf)
    turkish = _text(turkish_pdf)
    for expected in ("Hibe sözleşmesi", "Avrupa Birliği Başkanlığı", "%84,11215", "Ek III"):
        assert expected in turkish, expected
