"""Reports (docs/domain.md 7): overdue, the blockers of a submission, what staff may accept, the
headings of the final amount; the report reminders' timings (domain.md 8); and the money rules of
the final amount as properties: balance = final - paid, final <= maximum grant."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from grants.rules import reminders
from grants.rules.grant_closure import BalanceKind, Heading, balance, final_amount
from grants.rules.grant_reports import (
    ReviewedLine,
    contract_headings,
    is_overdue,
    review_issues,
    submission_blockers,
)
from grants.rules.grant_status import ReportStatus
from grants.rules.grant_terms import GrantTerms

D = Decimal
DUE = date(2029, 3, 31)


def test_a_report_is_overdue_after_its_due_day_until_it_is_sent():
    assert not is_overdue(DUE, DUE, None)
    assert is_overdue(DUE, DUE + timedelta(days=1), None)
    assert is_overdue(DUE, DUE + timedelta(days=1), ReportStatus.draft)
    assert is_overdue(DUE, DUE + timedelta(days=1), ReportStatus.returned)
    assert not is_overdue(DUE, DUE + timedelta(days=1), ReportStatus.submitted)
    assert not is_overdue(DUE, DUE + timedelta(days=1), ReportStatus.approved)


def test_every_blocker_is_listed():
    issues = submission_blockers(" ", [D("1"), None, None], [None], True, False)
    assert [(i.field, i.params) for i in issues] == [
        ("activities", {}),
        ("lines", {"n": 2}),
        ("indicators", {"n": 1}),
        ("verification", {}),
    ]
    assert submission_blockers("Done.", [D("0")], [D("0")], True, True) == []
    assert submission_blockers("Done.", [], [], False, False) == []


def test_what_staff_may_accept_of_a_line():
    assert review_issues(ReviewedLine(D("100.00"), D("100.00"))) == []
    assert review_issues(ReviewedLine(D("100.00"), D("60.00"), "No invoice.")) == []
    assert [i.field for i in review_issues(ReviewedLine(D("100.00"), D("60.00"), " "))] == [
        "reason"
    ]
    assert review_issues(ReviewedLine(D("100.00"), D("100.01")))[0].message.startswith(
        "The accepted amount cannot exceed"
    )
    assert review_issues(ReviewedLine(D("100.00"), D("-1")))[0].field == "accepted"
    assert review_issues(ReviewedLine(D("100.00"), None))[0].field == "accepted"


def test_headings_add_their_lines():
    headings = contract_headings(
        [(2, D("10.00"), D("5.00")), (1, D("60.00"), D("70.00")), (2, D("30.00"), D("30.00"))]
    )
    assert headings == [Heading("1", D("60.00"), D("70.00")), Heading("2", D("40.00"), D("35.00"))]


def test_report_reminders_come_14_days_before_and_when_overdue():
    deadline = datetime(2029, 4, 1, tzinfo=UTC)
    days = GrantTerms().report_reminder_days  # the call setting's default
    assert days == 14
    subject = reminders.Subject(1, deadline, reminders.report_timings(days))
    assert reminders.due_timing(deadline - timedelta(days=15), subject) is None
    assert reminders.due_timing(deadline - timedelta(days=14), subject).kind == "report-due"
    later = reminders.Subject(1, deadline, reminders.report_timings(20))  # a call that sets 20
    assert reminders.due_timing(deadline - timedelta(days=20), later).kind == "report-due"
    assert reminders.due_timing(deadline - timedelta(days=21), later) is None
    assert reminders.due_timing(deadline, subject).kind == "report-overdue"
    assert {reminders.KINDS[k].audience for k in ("report-due", "report-overdue")} == {
        "beneficiary"
    }


money = st.decimals(min_value=0, max_value=1_000_000, places=2, allow_nan=False)


@given(
    contract=st.lists(money, min_size=1, max_size=4),
    accepted=st.lists(money, min_size=4, max_size=4),
    indirect=money,
    contingency=money,
    authorised=money,
    share=st.decimals(min_value=D("0.01"), max_value=1, places=2),
    paid_share=st.decimals(min_value=0, max_value=D("0.9"), places=2),
)
def test_the_balance_is_final_less_paid_and_the_final_never_above_the_maximum(
    contract, accepted, indirect, contingency, authorised, share, paid_share
):
    terms = GrantTerms()
    total = sum(contract, D("0.00")) + D("100.00")
    max_grant = (total * share).quantize(D("0.01"))
    headings = [Heading(str(n), c, a) for n, (c, a) in enumerate(zip(contract, accepted))]
    result = final_amount(headings, indirect, contingency, authorised, max_grant, total, terms)
    assert D("0.00") <= result.amount <= max_grant
    assert result.amount == result.amount.quantize(D("0.01"))
    paid = (max_grant * paid_share).quantize(D("0.01"))
    due = balance(result.amount, paid)
    signed = {BalanceKind.payment: 1, BalanceKind.recovery: -1, BalanceKind.none: 0}[due.kind]
    assert signed * due.amount == result.amount - paid
