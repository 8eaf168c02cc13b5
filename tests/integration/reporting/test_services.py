"""The report commands (docs/domain.md 7, Reports and Final amount): opening, saving with
optimistic concurrency, the blockers of a submission, returning with comments, approving with the
accepted costs, and settling: the final amount and balance stored, a zero balance closing the
grant, every state change audited."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.models import AuditEvent, MessageLog, OutboxMessage
from grants.reporting.queries import final_amount, schedule
from grants.reporting.services import (
    ReportInput,
    ReportRefused,
    approve_report,
    open_report,
    return_report,
    save_report,
    settle,
    submit_report,
)
from grants.rules.grant_closure import BalanceKind
from grants.rules.grant_status import GrantStatus, ReportKind, ReportStatus
from tests.factories import make_user
from tests.factories.grants import make_grant
from tests.factories.reporting import accept_all, add_indicators, lead_of, written_report

D = Decimal
NOW = datetime(2029, 4, 1, 10, tzinfo=UTC)


def _paid(grant, amount: Decimal) -> None:
    """Pre-financing paid as the payments helper's authorisation leaves it."""
    grant.prefinancing_paid = grant.paid_total = amount


def test_the_schedule_gives_interim_reports_but_the_last_period_and_the_final(db):
    grant = make_grant(awarded=D("100000.01"), requested_grant=D("100000.01"))  # periodic, 24 m
    rows = schedule(grant, date(2028, 3, 1))
    # periods of 12 months from 1 January 2027: interim due 60 days after 31 December 2027
    assert [(r.kind.value, r.period, r.due_on, r.overdue) for r in rows] == [
        ("interim", 1, date(2028, 2, 29), True),
        ("final", 2, date(2029, 3, 31), False),
    ]
    report = written_report(grant, "interim", 1)
    assert schedule(grant, date(2028, 3, 1))[0].overdue is False  # sent: no longer late
    assert schedule(grant, date(2028, 3, 1))[0].report is report


def test_opening_makes_a_line_per_budget_line_and_a_row_per_indicator(db):
    grant = make_grant()
    add_indicators(grant, 3)
    report = open_report(grant, ReportKind.final, 1, lead_of(grant).id)
    assert [line.budget_line_id for line in report.lines] == [b.id for b in grant.current.lines]
    assert [row.indicator_id for row in report.indicators] == [i.id for i in grant.indicators]
    assert (report.status, report.due_on) == (ReportStatus.draft, date(2029, 3, 31))
    assert open_report(grant, ReportKind.final, 1, lead_of(grant).id) is report  # once
    with pytest.raises(ReportRefused, match="no such report"):
        open_report(grant, ReportKind.interim, 1, lead_of(grant).id)  # single scheme: none


def test_a_grant_not_in_force_has_no_report(db):
    grant = make_grant("signed")
    with pytest.raises(ReportRefused, match="in force"):
        open_report(grant, ReportKind.final, 1, None)


def test_a_stale_save_is_refused_and_changes_nothing(db):
    grant = make_grant()
    lead = lead_of(grant)
    report = open_report(grant, ReportKind.final, 1, lead.id)
    loaded = report.version
    data = ReportInput("First.", D("1.00"), D("0.00"), {}, {})
    save_report(report, data, loaded, lead.id)
    assert report.version == loaded + 1
    with pytest.raises(ReportRefused, match="Someone else saved"):
        save_report(report, ReportInput("Second.", D("2.00"), D("0"), {}, {}), loaded, lead.id)
    db.session.rollback()
    assert report.activities == "First."


def test_submission_lists_every_blocker(db):
    grant = make_grant(awarded=D("100000.01"), requested_grant=D("100000.01"))
    add_indicators(grant, 2)
    lead = lead_of(grant)
    report = open_report(grant, ReportKind.final, 2, lead.id)
    with pytest.raises(ReportRefused) as refused:
        submit_report(report, lead.id, NOW)
    assert [i.field for i in refused.value.issues] == ["activities", "indicators", "verification"]
    assert refused.value.issues[1].params == {"n": 2}


def test_submitted_returned_corrected_and_sent_again(db):
    grant = make_grant()
    staff = make_user("staff", locale="tr")
    report = written_report(grant)
    assert report.status is ReportStatus.submitted
    # the staff member is told, in Turkish, naming the application (message log)
    log = db.session.scalar(select(MessageLog).where(MessageLog.recipient == staff.email))
    assert (log.kind, log.locale, log.application_id) == (
        "report_submitted",
        "tr",
        grant.application_id,
    )
    assert grant.number in log.subject
    with pytest.raises(ReportRefused, match="comments are required"):
        return_report(report, "  ", staff.id, NOW)
    return_report(report, "Add the invoices of line 2.", staff.id, NOW)
    assert (report.status, report.comments) == (
        ReportStatus.returned,
        "Add the invoices of line 2.",
    )
    lead = lead_of(grant)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == lead.email))
    assert "Add the invoices of line 2." in message.body
    save_report(
        report, ReportInput("Corrected.", D("7000"), D("0"), {}, {}), report.version, lead.id
    )
    submit_report(report, lead.id, NOW)
    assert report.status is ReportStatus.submitted
    actions = db.session.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.object_type == "GrantReport")
        .order_by(AuditEvent.id)
    ).all()
    assert actions.count("report.submitted") == 2 and "report.returned" in actions


def test_accepted_costs_need_a_reason_for_what_is_set_aside(db):
    grant = make_grant()
    staff = make_user("staff")
    report = written_report(grant)
    reviews = accept_all(report)
    first = report.lines[0].id
    reviews[first] = (D("50000.00"), "")
    with pytest.raises(ReportRefused) as refused:
        approve_report(report, reviews, staff.id, NOW)
    assert [i.field for i in refused.value.issues] == ["lines-0-reason"]
    reviews[first] = (D("60000.01"), "")
    with pytest.raises(ReportRefused, match="cannot exceed"):
        approve_report(report, reviews, staff.id, NOW)


def test_approving_the_final_report_stores_the_final_amount_and_a_payment_due(db):
    grant = make_grant()  # 90,000 of 107,000: headings 60,000 and 40,000, indirect 7,000
    _paid(grant, D("72000.00"))
    staff = make_user("staff")
    report = written_report(grant)
    settlement = approve_report(report, accept_all(report), staff.id, NOW)
    assert report.status is ReportStatus.approved
    assert grant.final_amount == settlement.result.amount == D("90000.00")
    assert (settlement.balance.kind, settlement.balance.amount) == (
        BalanceKind.payment,
        D("18000.00"),
    )
    assert grant.status is GrantStatus.in_force  # the balance is still to pay


def test_a_recovery_when_the_final_amount_is_below_the_prefinancing(db):
    grant = make_grant()
    _paid(grant, D("72000.00"))
    staff = make_user("staff")
    report = written_report(grant)
    # 40,000 + 30,000 direct, indirect min(7,000, 7 % x 70,000) = 4,900: 74,900 x 90/107 = 63,000
    settlement = approve_report(
        report, accept_all(report, line0=D("40000.00"), line1=D("30000.00")), staff.id, NOW
    )
    assert grant.final_amount == D("63000.00")
    assert (settlement.balance.kind, settlement.balance.amount) == (
        BalanceKind.recovery,
        D("9000.00"),
    )
    db.session.flush()  # the CHECK lets a final amount below the pre-financing paid be stored


def test_a_zero_balance_closes_the_grant_at_once(db):
    grant = make_grant()
    _paid(grant, D("72000.00"))
    staff = make_user("staff")
    report = written_report(grant)
    # 50,000 + 30,000 direct, indirect 5,600: 85,600 x 90/107 = 72,000 = what was paid
    settlement = approve_report(
        report, accept_all(report, line0=D("50000.00"), line1=D("30000.00")), staff.id, NOW
    )
    assert settlement.balance.kind is BalanceKind.none and settlement.closed
    assert (grant.status, grant.closed_at) == (GrantStatus.closed, NOW)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grant.closed"))
    assert event.user_id == staff.id


def test_a_heading_above_its_flexibility_is_capped_and_the_contingency_authorised_counts(db):
    grant = make_grant()
    staff = make_user("staff")
    report = written_report(grant, actuals=[D("80000.00"), D("40000.00")], contingency=D("3000"))
    approve_report(report, accept_all(report), staff.id, NOW, contingency=D("2000.00"))
    result = final_amount(grant, report)
    assert [(h.key, h.cap, h.accepted, h.set_aside) for h in result.headings] == [
        ("1", D("75000.00"), D("75000.00"), D("5000.00")),
        ("2", D("50000.00"), D("40000.00"), D("0.00")),
    ]
    assert (result.direct, result.indirect, result.contingency) == (
        D("115000.00"),
        D("7000.00"),
        D("2000.00"),
    )
    assert grant.final_amount == D("90000.00")  # capped at the maximum grant
    assert grant.authorised_contingency == D("2000.00")


def test_interim_approval_records_the_accepted_costs(db):
    grant = make_grant(awarded=D("100000.01"), requested_grant=D("100000.01"))
    staff = make_user("staff")
    report = written_report(grant, "interim", 1, actuals=[D("20000.00"), D("10000.00")])
    assert approve_report(report, accept_all(report, line1=D("8000.00")), staff.id, NOW) is None
    assert [(line.accepted, line.set_aside_reason) for line in report.lines] == [
        (D("20000.00"), ""),
        (D("8000.00"), "No invoice."),
    ]
    assert grant.final_amount is None


def test_settle_again_computes_the_same_through_the_same_function(db):
    grant = make_grant()
    _paid(grant, D("72000.00"))
    staff = make_user("staff")
    report = written_report(grant)
    first = approve_report(report, accept_all(report), staff.id, NOW)
    again = settle(grant, None, NOW)
    assert (again.result, again.balance) == (first.result, first.balance)
    with pytest.raises(ReportRefused, match="not approved"):
        settle(make_grant(), None, NOW)
