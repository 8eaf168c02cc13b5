"""The report pages: the due list with overdue shown; the lead writes a report (Turkish amounts),
a stale save keeps what was typed, the blockers listed on sending; partners read only; staff
return with comments or approve; the final amount page; the recovery order PDF."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from grants.models import GrantReport
from grants.reporting.services import approve_report
from grants.rules.grant_status import GrantStatus, ReportStatus
from tests.factories import make_authority, make_org, make_user
from tests.factories.grants import make_grant
from tests.factories.reporting import accept_all, add_indicators, lead_of, written_report
from tests.factories.submission import PDF

D = Decimal
NOW = datetime(2029, 4, 1, 10, tzinfo=UTC)  # the final report (due 31 March 2029) is overdue


@pytest.fixture
def grant(db, fixed_now):
    fixed_now(NOW)
    grant = make_grant()
    add_indicators(grant, 1)
    db.session.commit()
    return grant


def _form(report, **values):
    data = {
        "version": str(report.version),
        "activities": "Workshops held.",
        "indirect": "7.000",
        "contingency": "0",
        "save": "1",
    }
    for index, line in enumerate(report.lines):
        data[f"lines-{index}-line_id"] = str(line.id)
        data[f"lines-{index}-actual"] = "2.500,50"
    for index, row in enumerate(report.indicators):
        data[f"indicators-{index}-row_id"] = str(row.id)
        data[f"indicators-{index}-achieved"] = "12"
    return {**data, **values}


def _opened(grant, client, post, login_as):
    lead = login_as(user=lead_of(grant))
    lead.locale = "tr"
    response = post(
        f"/grants/{grant.id}/reports/open",
        {"kind": "final", "period": "1"},
        page=f"/grants/{grant.id}/reports",
    )
    assert response.status_code == 302
    return lead, response.headers["Location"]


def test_the_due_list_shows_the_final_report_overdue(grant, client, login_as):
    login_as("staff")
    page = client.get(f"/grants/{grant.id}/reports").get_data(as_text=True)
    assert "Final report" in page and "Overdue" in page and "March 31, 2029" in page


def test_the_lead_writes_in_turkish_numbers_and_sends(grant, client, post, login_as, db):
    lead, address = _opened(grant, client, post, login_as)
    report = db.session.scalar(select(GrantReport).where(GrantReport.grant_id == grant.id))
    response = post(f"{address}/save", _form(report), page=address)
    assert response.status_code == 302
    db.session.refresh(report)
    assert [line.actual for line in report.lines] == [D("2500.50"), D("2500.50")]
    assert report.reported_indirect == D("7000.00")
    response = post(f"{address}/save", _form(report, save="", send="1"), page=address)
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.status is ReportStatus.submitted


def test_a_stale_save_is_refused_and_keeps_what_was_typed(grant, client, post, login_as, db):
    lead, address = _opened(grant, client, post, login_as)
    report = db.session.scalar(select(GrantReport).where(GrantReport.grant_id == grant.id))
    old = str(report.version)
    assert post(f"{address}/save", _form(report), page=address).status_code == 302
    response = post(
        f"{address}/save", _form(report, version=old, activities="Typed later."), page=address
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Typed later." in page and "başka biri raporu kaydetti" in page


def test_sending_lists_the_blockers_and_keeps_the_save(grant, client, post, login_as, db):
    lead, address = _opened(grant, client, post, login_as)
    report = db.session.scalar(select(GrantReport).where(GrantReport.grant_id == grant.id))
    data = _form(report, activities="", save="", send="1", **{"indicators-0-achieved": ""})
    response = post(f"{address}/save", data, page=address)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Yapılan faaliyetleri açıklayın." in page and "gerçekleşen değerini" in page
    db.session.refresh(report)
    assert report.status is ReportStatus.draft and report.lines[0].actual == D("2500.50")


def test_bad_input_names_the_field_and_keeps_the_text(grant, client, post, login_as, db):
    lead, address = _opened(grant, client, post, login_as)
    report = db.session.scalar(select(GrantReport).where(GrantReport.grant_id == grant.id))
    response = post(f"{address}/save", _form(report, **{"lines-0-actual": "2.50x"}), page=address)
    assert response.status_code == 400
    assert 'value="2.50x"' in response.get_data(as_text=True)


def test_partners_read_the_report_without_a_form(grant, client, login_as, db):
    report = written_report(grant)
    partner_org = grant.application.partners[0].organisation
    db.session.commit()
    login_as(user=make_user(organisation=partner_org))
    page = client.get(f"/grants/{grant.id}/reports/{report.id}").get_data(as_text=True)
    assert "Workshops held in both towns." in page and "/save" not in page
    login_as(user=make_user(organisation=make_org()))
    assert client.get(f"/grants/{grant.id}/reports/{report.id}").status_code == 404


def test_staff_return_needs_comments_then_approve_an_interim(client, post, login_as, db, fixed_now):
    fixed_now(NOW)
    grant = make_grant(awarded=D("100000.01"), requested_grant=D("100000.01"))
    report = written_report(grant, "interim", 1)
    db.session.commit()
    login_as("staff")
    address = f"/grants/{grant.id}/reports/{report.id}"
    review = f"/staff/grants/{grant.id}/reports/{report.id}/review"
    response = post(review, {"send_back": "1", "comments": ""}, page=address)
    assert response.status_code == 400 and "comments are required" in response.get_data(True)
    data = {"approve": "1"}
    for index, line in enumerate(report.lines):
        data[f"lines-{index}-line_id"] = str(line.id)
        data[f"lines-{index}-accepted"] = "1,000.00"
        data[f"lines-{index}-reason"] = "Invoices missing."
    assert post(review, data, page=address).status_code == 302
    db.session.refresh(report)
    assert report.status is ReportStatus.approved
    assert [line.accepted for line in report.lines] == [D("1000.00"), D("1000.00")]


def test_the_final_amount_page_approves_and_gives_a_recovery_order(
    grant, client, post, login_as, db
):
    grant.prefinancing_paid = grant.paid_total = D("72000.00")
    grant.iban = "TR330006100519786457841326"
    report = written_report(grant)
    db.session.commit()
    login_as("staff")
    page = client.get(f"/staff/grants/{grant.id}/final").get_data(as_text=True)
    assert "90,000.00" in page and "Payment due to the beneficiary" in page
    reviews = accept_all(report, line0=D("40000.00"), line1=D("30000.00"))
    data = {"approve": "1", "contingency": "0"}
    for index, line in enumerate(report.lines):
        accepted, reason = reviews[line.id]
        data[f"lines-{index}-line_id"] = str(line.id)
        data[f"lines-{index}-accepted"] = str(accepted)
        data[f"lines-{index}-reason"] = reason
    review = f"/staff/grants/{grant.id}/reports/{report.id}/review"
    assert post(review, data, page=f"/staff/grants/{grant.id}/final").status_code == 302
    db.session.refresh(grant)
    assert grant.final_amount == D("63000.00") and grant.status is GrantStatus.in_force
    response = client.get(f"/grants/{grant.id}/recovery-order.pdf?lang=en")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    login_as(user=lead_of(grant))
    assert client.get(f"/grants/{grant.id}/recovery-order.pdf").status_code == 200
    login_as(user=make_user(organisation=make_org()))
    assert client.get(f"/grants/{grant.id}/recovery-order.pdf").status_code == 404


def test_no_recovery_order_when_a_payment_is_due(grant, client, login_as, db):
    grant.prefinancing_paid = grant.paid_total = D("72000.00")
    report = written_report(grant)
    approve_report(report, accept_all(report), make_user("staff").id, NOW)
    db.session.commit()
    login_as("staff")
    assert client.get(f"/grants/{grant.id}/recovery-order.pdf").status_code == 404


def test_the_recovery_order_says_what_to_pay_by_when_in_each_language(grant, client, login_as, db):

    make_authority(
        name_en="Central Finance and Contracts Unit", name_tr="Merkezi Finans ve İhale Birimi"
    )
    grant.prefinancing_paid = grant.paid_total = D("72000.00")
    grant.account_holder, grant.iban = "Aydın Belediyesi", "TR330006100519786457841326"
    report = written_report(grant)
    reviews = accept_all(report, line0=D("40000.00"), line1=D("30000.00"))
    approve_report(report, reviews, make_user("staff").id, NOW)
    db.session.commit()
    login_as(user=lead_of(grant))
    texts = {}
    for lang in ("en", "tr"):
        response = client.get(f"/grants/{grant.id}/recovery-order.pdf?lang={lang}")
        reader = PdfReader(io.BytesIO(response.data))
        texts[lang] = " ".join(page.extract_text() for page in reader.pages)
    number = f"{grant.number}/RO"
    assert number in texts["en"] and "Central Finance and Contracts Unit" in texts["en"]
    # approved on 1 April 2029: due 45 days later, on 16 May 2029
    assert "May 16, 2029" in texts["en"] and "9,000.00" in texts["en"]
    assert "TR330006100519786457841326" in texts["en"]
    assert "Geri ödeme emri" in texts["tr"] and "16 Mayıs 2029" in texts["tr"]
    assert "Merkezi Finans ve İhale Birimi" in texts["tr"]


def test_the_verification_pdf_is_uploaded_then_the_final_report_may_be_sent(
    client, post, login_as, db, fixed_now, uploads
):
    fixed_now(NOW)
    grant = make_grant(awarded=D("100000.01"), requested_grant=D("100000.01"))  # above 100,000
    report = written_report(grant, submit=False)
    db.session.commit()
    login_as(user=lead_of(grant))
    address = f"/grants/{grant.id}/reports/{report.id}"
    upload = f"{address}/verification"
    refused = post(upload, {"file": (io.BytesIO(b"not a pdf"), "audit.pdf")}, page=address)
    assert refused.status_code == 302
    db.session.refresh(report)
    assert report.verification_file is None
    response = post(upload, {"file": (io.BytesIO(PDF), "audit report.pdf")}, page=address)
    assert response.status_code == 302
    db.session.refresh(report)
    assert report.verification_name == "audit report.pdf"
    assert (uploads / report.verification_file).read_bytes() == PDF
    assert client.get(upload).data == PDF
    data = {"version": str(report.version), "activities": "Done.", "indirect": "7,000.00"}
    data |= {"contingency": "0", "send": "1", "indicators-0-row_id": ""}
    for index, line in enumerate(report.lines):
        data[f"lines-{index}-line_id"] = str(line.id)
        data[f"lines-{index}-actual"] = "1,000.00"
    assert post(f"{address}/save", data, page=address).status_code == 302
    db.session.refresh(report)
    assert report.status is ReportStatus.submitted
