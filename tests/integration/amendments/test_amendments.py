"""Amendments of a grant in force (docs/domain.md 7, Amendments): the lead's members request a later
end date, a budget change or a partner change; staff approve (a new contract version, never a higher
maximum grant) or refuse with a reason; the lead may withdraw a request."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, GrantAmendment, GrantReport, GrantReportLine, OutboxMessage
from grants.rules.grant_status import AmendmentKind, AmendmentStatus, ReportKind, ReportStatus
from tests.factories import make_org, make_user
from tests.factories.grants import make_grant

D = Decimal
NOW = datetime(2027, 6, 1, 9, tzinfo=UTC)


@pytest.fixture
def june(fixed_now):
    fixed_now(NOW)


@pytest.fixture
def grant(db):
    grant = make_grant()  # in force 1 Jan 2027 - 31 Dec 2028; 90,000 of 107,000
    db.session.commit()
    return grant


def lead_of(grant, **kw):
    user = make_user("applicant", organisation=grant.application.lead, **kw)
    db.session.commit()
    return user


def page(grant) -> str:
    return f"/grants/{grant.id}/amendments"


def requests(grant) -> list[GrantAmendment]:
    return list(
        db.session.scalars(
            select(GrantAmendment)
            .where(GrantAmendment.grant_id == grant.id)
            .order_by(GrantAmendment.id)
        )
    )


def mails_to(user) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == user.email)))


def actions(grant) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.application_id == grant.application_id)
            .order_by(AuditEvent.id)
        )
    )


def decide(post, grant, amendment, decision: str, reason: str = "Agreed at the meeting."):
    return post(
        f"{page(grant)}/{amendment.id}/decide",
        {f"a{amendment.id}-decision": decision, f"a{amendment.id}-reason": reason},
        page=page(grant),
    )


def test_a_later_end_date_is_approved_as_a_new_version(db, client, login_as, post, grant, june):
    staff = make_user("staff", locale="tr")
    login_as(user=lead_of(grant))
    response = post(
        f"{page(grant)}/end-date",
        {"end_date": "2029-03-31", "justification": "The works started late."},
        page=page(grant),
    )
    assert response.status_code == 302
    (amendment,) = requests(grant)
    assert amendment.kind is AmendmentKind.end_date
    assert amendment.status is AmendmentStatus.requested
    (told,) = mails_to(staff)
    assert grant.number in told.subject and "Green twin towns" in told.body
    assert "değişiklik talebi" in told.subject  # in the staff member's language

    login_as(user=staff)
    response = decide(post, grant, amendment, "approve")
    assert response.status_code == 302
    db.session.expire_all()
    assert amendment.status is AmendmentStatus.approved
    assert grant.end_date == date(2029, 3, 31) and grant.months == 27
    assert [v.number for v in grant.versions] == [1, 2]
    second = grant.versions[1]
    assert second.amendment_id == amendment.id and second.end_date == date(2029, 3, 31)
    assert [line.amount for line in second.lines] == [
        line.amount for line in grant.versions[0].lines
    ]
    assert grant.max_grant == D("90000.00")
    assert {"grant.amendment_requested", "grant.amendment_approved", "grant.amended"} <= set(
        actions(grant)
    )
    lead_mails = [m for m in db.session.scalars(select(OutboxMessage)) if "approved" in m.body]
    assert lead_mails and all(grant.number in m.subject for m in lead_mails)


def test_an_end_date_not_later_is_refused_and_keeps_the_input(db, login_as, post, grant, june):
    login_as(user=lead_of(grant))
    response = post(
        f"{page(grant)}/end-date",
        {"end_date": "2028-12-31", "justification": "Nothing changes."},
        page=page(grant),
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "must be later than the current end date (2028-12-31)" in html
    assert "Nothing changes." in html
    assert requests(grant) == []


def test_one_open_request_of_a_kind_and_the_lead_may_withdraw(db, login_as, post, grant, june):
    login_as(user=lead_of(grant))
    data = {"end_date": "2029-03-31", "justification": "Late start."}
    assert post(f"{page(grant)}/end-date", data, page=page(grant)).status_code == 302
    again = post(f"{page(grant)}/end-date", data, page=page(grant))
    assert again.status_code == 400
    assert "already waiting for a decision" in again.get_data(as_text=True)
    (amendment,) = requests(grant)
    assert post(f"{page(grant)}/{amendment.id}/withdraw", page=page(grant)).status_code == 302
    db.session.expire_all()
    assert amendment.status is AmendmentStatus.withdrawn
    assert post(f"{page(grant)}/end-date", data, page=page(grant)).status_code == 302
    assert [a.status for a in requests(grant)] == [
        AmendmentStatus.withdrawn,
        AmendmentStatus.requested,
    ]


def budget_data(grant, first: str, second: str, indirect: str, **extra) -> dict:
    one, two = grant.current.lines
    return {
        f"line_{one.id}": first,
        f"line_{two.id}": second,
        "indirect": indirect,
        "contingency": "0",
        "justification": "The study visits cost less.",
        **extra,
    }


def test_a_smaller_budget_lowers_the_maximum_grant_at_the_same_rate(
    db, login_as, post, grant, june
):
    login_as(user=lead_of(grant))
    # direct 50,000 + 40,000 = 90,000; indirect 7 % = 6,300; total 96,300 (was 107,000)
    data = budget_data(grant, "50.000,00", "40000", "6300", max_grant="")
    with_turkish = post(f"{page(grant)}/budget", data, page=page(grant))
    assert with_turkish.status_code == 400  # "50.000,00" is not an English number
    data[f"line_{grant.current.lines[0].id}"] = "50,000.00"
    assert post(f"{page(grant)}/budget", data, page=page(grant)).status_code == 302
    (amendment,) = requests(grant)
    login_as("staff")
    assert decide(post, grant, amendment, "approve").status_code == 302
    db.session.expire_all()
    # 90,000 x 96,300 / 107,000 = 81,000.00: the rate stays, the maximum goes down
    assert grant.max_grant == D("81000.00") and grant.contract_total == D("96300.00")
    assert grant.prefinancing_ceiling == D("72900.00")
    first, second = grant.versions
    assert [line.amount for line in first.lines] == [D("60000.00"), D("40000.00")]
    assert [line.amount for line in second.lines] == [D("50000.00"), D("40000.00")]
    assert second.max_grant == D("81000.00") and second.indirect == D("6300.00")
    assert first.max_grant == D("90000.00")


def test_a_budget_asking_a_higher_maximum_grant_is_refused(db, login_as, post, grant, june):
    login_as(user=lead_of(grant))
    data = budget_data(grant, "70000", "40000", "7700", max_grant="95000")
    response = post(f"{page(grant)}/budget", data, page=page(grant))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "An amendment never raises the maximum grant" in html
    assert "95,000.00" in html and "90,000.00" in html
    assert requests(grant) == []


def test_a_larger_budget_keeps_the_maximum_and_the_call_caps(db, login_as, post, grant, june):
    login_as(user=lead_of(grant))
    over = budget_data(grant, "70000", "40000", "9000")  # 7 % of 110,000 is 7,700
    response = post(f"{page(grant)}/budget", over, page=page(grant))
    assert response.status_code == 400
    assert "above the call&#39;s cap of" in response.get_data(as_text=True)
    data = budget_data(grant, "70000", "40000", "7700")
    assert post(f"{page(grant)}/budget", data, page=page(grant)).status_code == 302
    (amendment,) = requests(grant)
    login_as("staff")
    assert decide(post, grant, amendment, "approve").status_code == 302
    db.session.expire_all()
    assert grant.max_grant == D("90000.00") and grant.contract_total == D("117700.00")


def test_refusal_needs_a_reason_and_tells_the_lead(db, login_as, post, grant, june):
    lead = lead_of(grant, locale="en")
    login_as(user=lead)
    data = {"end_date": "2029-03-31", "justification": "Late start."}
    post(f"{page(grant)}/end-date", data, page=page(grant))
    (amendment,) = requests(grant)
    login_as("staff")
    response = decide(post, grant, amendment, "refuse", reason="")
    assert response.status_code == 400
    db.session.expire_all()
    assert amendment.status is AmendmentStatus.requested
    assert decide(post, grant, amendment, "refuse", "No delay shown.").status_code == 302
    db.session.expire_all()
    assert amendment.status is AmendmentStatus.refused
    assert amendment.decision_reason == "No delay shown."
    assert grant.end_date == date(2028, 12, 31) and len(grant.versions) == 1
    (told,) = mails_to(lead)
    assert "was refused" in told.body and "No delay shown." in told.body


def test_a_partner_is_replaced(db, login_as, post, grant, june):
    old = grant.application.partners[0].organisation
    new = make_org("FR", "local_authority", name="Commune de Lyon")
    db.session.commit()
    login_as(user=lead_of(grant))
    data = {
        "remove": str(old.id),
        "add": str(new.id),
        "role": "Hosts the study visits",
        "justification": "The partner withdrew.",
    }
    assert post(f"{page(grant)}/partner", data, page=page(grant)).status_code == 302
    (amendment,) = requests(grant)
    assert amendment.details["add_name"] == "Commune de Lyon"
    login_as("staff")
    assert decide(post, grant, amendment, "approve").status_code == 302
    db.session.expire_all()
    assert [p.organisation_id for p in grant.application.partners] == [new.id]
    assert len(grant.versions) == 2
    assert {"grant.partner_removed", "grant.partner_added"} <= set(actions(grant))


def test_a_partner_member_sees_the_requests_but_cannot_request(db, client, login_as, post, grant):
    partner = make_user("applicant", organisation=grant.application.partners[0].organisation)
    db.session.commit()
    login_as(user=partner)
    html = client.get(page(grant)).get_data(as_text=True)
    assert "Request a later end date" not in html
    token = client.get(page(grant))
    assert token.status_code == 200
    response = post(
        f"{page(grant)}/end-date",
        {"end_date": "2029-03-31", "justification": "x"},
        page=page(grant),
    )
    assert response.status_code == 404


def test_only_a_grant_in_force_is_amended(db, login_as, post, june):
    closed = make_grant("closed")
    db.session.commit()
    login_as(user=lead_of(closed))
    response = post(
        f"{page(closed)}/end-date",
        {"end_date": "2029-03-31", "justification": "Late."},
        page=page(closed),
    )
    assert response.status_code == 400
    assert "Only a grant in force" in response.get_data(as_text=True)


def test_a_budget_request_survives_another_amendment_approved_first(
    db, login_as, post, grant, june
):
    login_as(user=lead_of(grant))
    data = budget_data(grant, "50000", "40000", "6300")
    assert post(f"{page(grant)}/budget", data, page=page(grant)).status_code == 302
    later = {"end_date": "2029-03-31", "justification": "Late start."}
    assert post(f"{page(grant)}/end-date", later, page=page(grant)).status_code == 302
    budget, end = requests(grant)
    login_as("staff")
    assert decide(post, grant, end, "approve").status_code == 302
    assert decide(post, grant, budget, "approve").status_code == 302
    db.session.expire_all()
    assert [v.number for v in grant.versions] == [1, 2, 3]
    assert [line.amount for line in grant.versions[2].lines] == [D("50000.00"), D("40000.00")]
    assert grant.versions[2].end_date == date(2029, 3, 31)
    assert grant.max_grant == D("81000.00")


def test_reports_being_written_follow_the_new_version(db, login_as, post, grant, june):
    first, second = grant.current.lines
    reports = {}
    for status in (ReportStatus.approved, ReportStatus.draft):
        report = GrantReport(
            grant_id=grant.id,
            kind=ReportKind.interim if status is ReportStatus.approved else ReportKind.final,
            period=1,
            status=status,
            due_on=date(2028, 3, 1),
        )
        report.lines = [
            GrantReportLine(budget_line_id=first.id, actual=D("100")),
            GrantReportLine(budget_line_id=second.id, actual=D("200")),
        ]
        db.session.add(report)
        reports[status] = report
    db.session.commit()
    login_as(user=lead_of(grant))
    data = budget_data(grant, "50000", "40000", "6300")
    assert post(f"{page(grant)}/budget", data, page=page(grant)).status_code == 302
    (amendment,) = requests(grant)
    login_as("staff")
    assert decide(post, grant, amendment, "approve").status_code == 302
    db.session.expire_all()
    new = grant.versions[1].lines
    writing = reports[ReportStatus.draft]
    assert [c.budget_line_id for c in writing.lines] == [new[0].id, new[1].id]
    assert writing.lines[0].budget_line.amount == D("50000.00")
    assert [c.budget_line_id for c in reports[ReportStatus.approved].lines] == [first.id, second.id]
