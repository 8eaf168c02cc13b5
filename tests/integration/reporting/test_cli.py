"""`flask grants settle CALL_REF`: the final amount and balance of every grant of the call whose
final report is approved, through the approval page's function, printed; run again, the same."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from grants.reporting.services import approve_report
from grants.rules.grant_status import GrantStatus, ReportStatus
from tests.factories import make_call, make_user
from tests.factories.grants import make_grant
from tests.factories.reporting import accept_all, written_report

D = Decimal
NOW = datetime(2029, 4, 1, 10, tzinfo=UTC)


def test_settle_prints_each_grant_with_an_approved_final_report(db, cli):
    call = make_call(status="decided", reference="TTGS-2026")
    staff = make_user("staff")
    paying, recovering, waiting = (make_grant(call=call) for _ in range(3))
    for grant in (paying, recovering, waiting):
        grant.prefinancing_paid = grant.paid_total = D("72000.00")
    report = written_report(paying)
    approve_report(report, accept_all(report), staff.id, NOW)
    report = written_report(recovering)
    approve_report(
        report, accept_all(report, line0=D("40000.00"), line1=D("30000.00")), staff.id, NOW
    )
    written_report(waiting)  # sent, not approved: not settled
    db.session.commit()

    result = cli("grants", "settle", "TTGS-2026")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["Grant", "Final", "amount", "Pre-financing", "Balance", "Amount"]
    assert lines[1].split() == ["TTGS-2026/G/001", "90,000.00", "72,000.00", "payment", "18,000.00"]
    assert lines[2].split() == ["TTGS-2026/G/002", "63,000.00", "72,000.00", "recovery", "9,000.00"]
    assert len(lines) == 3
    # settled again: computed again, the same
    paying.final_amount = D("1.00")
    db.session.commit()
    again = cli("grants", "settle", "TTGS-2026")
    assert again.output == result.output
    db.session.refresh(paying)
    assert paying.final_amount == D("90000.00") and waiting.final_amount is None


def test_a_zero_balance_is_printed_closed(db, cli):
    call = make_call(status="decided", reference="TTGS-2027")
    grant = make_grant(call=call)
    grant.prefinancing_paid = grant.paid_total = D("72000.00")
    report = written_report(grant)
    # approved before this version settled on approval (an import, a repair): the command settles
    report.status = ReportStatus.approved
    report.lines[0].accepted = D("50000.00")
    report.lines[1].accepted = D("30000.00")
    db.session.commit()
    result = cli("grants", "settle", "TTGS-2027")
    assert "none (closed)" in result.output and "72,000.00" in result.output
    db.session.refresh(grant)
    assert grant.status is GrantStatus.closed


def test_an_unknown_call_or_one_without_settled_grants(db, cli):
    make_call(status="decided", reference="TTGS-2028")
    db.session.commit()
    assert cli("grants", "settle", "NOPE").exit_code != 0
    assert "No grant of TTGS-2028" in cli("grants", "settle", "TTGS-2028").output
