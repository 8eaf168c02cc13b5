"""Termination of a grant in force by staff, with a reason (docs/domain.md 7: "Termination by staff,
with a reason, recovers the pre-financing not covered by accepted costs")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, GrantAmendment, GrantReport, GrantReportLine
from grants.rules.grant_status import (
    AmendmentKind,
    AmendmentStatus,
    GrantStatus,
    ReportKind,
    ReportStatus,
)
from tests.factories.grants import make_grant

D = Decimal
NOW = datetime(2027, 9, 1, 9, tzinfo=UTC)


@pytest.fixture
def september(fixed_now):
    fixed_now(NOW)


def report(grant, status: ReportStatus, period: int, accepted: list[str], indirect: str):
    row = GrantReport(
        grant_id=grant.id,
        kind=ReportKind.interim,
        period=period,
        status=status,
        due_on=date(2028, 3, 1),
        reported_indirect=D(indirect),
    )
    for line, amount in zip(grant.current.lines, accepted, strict=False):
        row.lines.append(
            GrantReportLine(budget_line_id=line.id, actual=D(amount), accepted=D(amount))
        )
    db.session.add(row)
    return row


@pytest.fixture
def grant(db):
    """90,000 of 107,000 (rate 90/107); 72,000 pre-financing paid; an approved report accepting
    30,000 + 10,000 direct and 2,800 indirect (7 % of 40,000): 42,800 x 90/107 = 36,000 covered."""
    grant = make_grant()
    grant.prefinancing_paid = grant.paid_total = D("72000.00")
    report(grant, ReportStatus.approved, 1, ["30000", "10000"], "2800")
    report(grant, ReportStatus.submitted, 2, ["20000"], "0")  # not approved: not counted
    db.session.add(
        GrantAmendment(
            grant_id=grant.id, kind=AmendmentKind.end_date, justification="Late.", details={}
        )
    )
    db.session.commit()
    return grant


def url(grant) -> str:
    return f"/staff/grants/{grant.id}/terminate"


def test_the_confirm_page_shows_the_recovery(db, client, login_as, grant, september):
    login_as("staff")
    html = client.get(url(grant)).get_data(as_text=True)
    assert "42,800.00" in html  # accepted costs
    assert "36,000.00" in html  # recovery: 72,000 - 36,000
    db.session.expire_all()
    assert grant.status is GrantStatus.in_force


def test_termination_needs_a_reason_and_the_confirmation(db, login_as, post, grant, september):
    login_as("staff")
    response = post(url(grant), {"reason": "Stopped."})
    assert response.status_code == 400
    response = post(url(grant), {"reason": "", "confirm": "y"})
    assert response.status_code == 400
    db.session.expire_all()
    assert grant.status is GrantStatus.in_force and grant.final_amount is None


def test_termination_sets_the_final_amount_and_the_recovery_due(
    db, client, login_as, post, grant, september
):
    staff = login_as("staff")
    response = post(url(grant), {"reason": "The project stopped.", "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert grant.status is GrantStatus.terminated
    assert grant.final_amount == D("36000.00")  # what the beneficiary keeps
    assert grant.paid_total - grant.final_amount == D("36000.00")  # to recover
    assert grant.termination_reason == "The project stopped."
    assert grant.terminated_at == NOW
    (open_request,) = grant.amendments
    assert open_request.status is AmendmentStatus.refused
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grant.terminated"))
    assert event.user_id == staff.id and event.after["recovery"] == "36000.00"
    html = client.get(f"/grants/{grant.id}/amendments").get_data(as_text=True)
    assert "Recovery due" in html and "36,000.00" in html
    again = post(url(grant), {"reason": "Twice.", "confirm": "y"})
    assert again.status_code == 400


def test_nothing_to_recover_when_the_costs_cover_the_pre_financing(db, login_as, post, september):
    grant = make_grant()
    grant.prefinancing_paid = grant.paid_total = D("30000.00")
    report(grant, ReportStatus.approved, 1, ["30000", "10000"], "2800")
    db.session.commit()
    login_as("staff")
    assert post(url(grant), {"reason": "Stopped.", "confirm": "y"}).status_code == 302
    db.session.expire_all()
    assert grant.final_amount == D("30000.00")  # keeps all it was paid, no more
