"""What falls due on each grant, kept in grant_due by grants.payments.dues: after every kind of
write the schedule reads (a contract countersigned, a payment recorded, cancelled or authorised, a
report submitted or approved, an amendment approved, a call's time zone changed, a termination, a
payment deleted), the rows kept are those the grant's own pages work out, read per grant; and the
repair command writes the same rows again."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import delete, select

from grants.amendments.services.decisions import approve
from grants.amendments.services.requests import request_end_date
from grants.amendments.services.termination import terminate
from grants.contracts.services import countersign
from grants.extensions import db
from grants.models import GrantDue
from grants.payments import services as payments
from grants.payments.queries import MOVING, schedule
from grants.reporting.services import approve_report
from grants.rules.grant_oversight import GrantFacts, due_reports
from grants.rules.grant_status import GrantStatus, PaymentKind, ReportStatus
from tests.factories import make_user
from tests.factories.grants import make_grant
from tests.factories.reporting import accept_all, written_report

D = Decimal
NOW = datetime(2027, 1, 10, 9, tzinfo=UTC)
BEFORE_ALL = date(2000, 1, 1)  # a day before every date: an open payment reads "due" on it


def kept(grant) -> list[tuple]:
    return [
        (r.family, r.what, r.period, r.due_on, r.amount, r.done)
        for r in db.session.scalars(
            select(GrantDue).where(GrantDue.grant_id == grant.id).order_by(GrantDue.position)
        )
    ]


def worked_out(grant) -> list[tuple]:
    """What the grant's own pages say is due (the reports page's rule, the payments page's
    schedule read for this grant alone)."""
    db.session.refresh(grant)
    rows: list[tuple] = []
    if grant.status is GrantStatus.in_force:
        sent = frozenset(
            (r.kind.value, r.period)
            for r in grant.reports
            if r.status in (ReportStatus.submitted, ReportStatus.approved)
        )
        facts = GrantFacts(
            grant.scheme, grant.grant_terms(), grant.start_date, grant.months, grant.end_date, sent
        )
        rows += [("report", d.what, d.period, d.due_on, None, None) for d in due_reports(facts)]
    if grant.status in MOVING:
        rows += [
            (
                "payment",
                item.kind.value,
                item.period,
                None if item.due_on == BEFORE_ALL else item.due_on,
                item.amount,
                item.done,
            )
            for item in schedule(grant, BEFORE_ALL)
            if item.status.open
        ]
    return rows


def check(grant) -> list[tuple]:
    db.session.flush()
    rows = kept(grant)
    assert rows == worked_out(grant)
    return rows


def test_the_rows_follow_every_write_the_schedule_reads(db):
    staff, other = make_user("staff"), make_user("staff")
    # periodic: two periods of 12 months, an interim report and two instalments
    grant = make_grant("signed", awarded=D("100000.01"), requested_grant=D("100000.01"))
    assert check(grant) == []  # not in force: nothing due
    countersign(grant, grant.version, staff.id, NOW)
    rows = check(grant)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("report", "interim_report", 1),
        ("report", "final_report", 2),
        ("payment", "prefinancing", 1),
    ]
    first = payments.record(
        grant, PaymentKind.prefinancing, rows[2][4], NOW.date(), "", "", staff.id, NOW
    )
    assert [r[1] for r in check(grant)] == ["interim_report", "final_report"]  # recorded
    payments.cancel(first, other.id, NOW)
    assert [r[1] for r in check(grant)][-1] == "prefinancing"  # due again
    paid = payments.record(
        grant, PaymentKind.prefinancing, rows[2][4], NOW.date(), "", "", staff.id, NOW
    )
    payments.authorise(paid, other.id, NOW)
    assert [r[1] for r in check(grant)] == ["interim_report", "final_report"]  # paid
    report = written_report(grant, "interim", 1)  # submitted
    assert [r[1] for r in check(grant)] == ["final_report"]
    approve_report(report, accept_all(report), staff.id, datetime(2028, 2, 1, 11, tzinfo=UTC))
    rows = check(grant)
    assert ("payment", "prefinancing", 2) in [r[:3] for r in rows]  # released by the approval
    (final_due,) = [r[3] for r in rows if r[1] == "final_report"]
    amendment = request_end_date(grant, date(2029, 6, 30), "Later.", make_user("applicant"), NOW)
    approve(grant, amendment, "Agreed.", staff, NOW)
    rows = check(grant)
    assert [r[3] for r in rows if r[1] == "final_report"][0] > final_due  # with the end date
    (second,) = [r[3] for r in rows if r[1:3] == ("prefinancing", 2)]
    grant.call.timezone = "Pacific/Kiritimati"  # UTC+14: the approval is on 2 February there
    rows = check(grant)
    assert [r[3] for r in rows if r[1:3] == ("prefinancing", 2)] == [second + timedelta(days=1)]
    terminate(grant, "The partner left.", staff, datetime(2028, 3, 1, 9, tzinfo=UTC))
    rows = check(grant)
    # no report due any more, the second instalment replaced, nothing to recover (the costs
    # accepted cover what was paid)
    assert rows == []


def test_a_payment_deleted_or_a_grant_deleted_takes_its_rows_along(db):
    staff, other = make_user("staff"), make_user("staff")
    grant = make_grant()
    payment = payments.record(
        grant, PaymentKind.prefinancing, D("72000.00"), NOW.date(), "", "", staff.id, NOW
    )
    assert "prefinancing" not in [r[1] for r in check(grant)]
    db.session.delete(payment)
    assert "prefinancing" in [r[1] for r in check(grant)]
    payments.authorise(
        payments.record(
            grant, PaymentKind.prefinancing, D("72000.00"), NOW.date(), "", "", staff.id, NOW
        ),
        other.id,
        NOW,
    )
    check(grant)
    grant_id = grant.id
    db.session.delete(grant)
    db.session.flush()
    assert not db.session.scalars(select(GrantDue).where(GrantDue.grant_id == grant_id)).all()


def test_the_repair_command_writes_the_same_rows(db, app):
    grants = [make_grant(), make_grant("terminated"), make_grant("closed"), make_grant("sent")]
    db.session.flush()
    before = [kept(g) for g in grants]
    assert before[0] and not before[2] and not before[3]
    db.session.execute(delete(GrantDue))
    assert [kept(g) for g in grants] == [[], [], [], []]
    result = app.test_cli_runner().invoke(args=["grants", "refresh-dues"])
    assert result.exit_code == 0, result.output
    assert "Recomputed what is due on" in result.output
    assert [kept(g) for g in grants] == before == [worked_out(g) for g in grants]
