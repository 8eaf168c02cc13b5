"""docs/domain.md 7, Oversight: which reports and payments are due or overdue on a grant."""

from datetime import date
from decimal import Decimal as D

from grants.rules.grant_oversight import (
    Due,
    GrantFacts,
    due_reports,
    payment_due,
    state,
    still_to_pay,
)
from grants.rules.grant_status import GrantStatus
from grants.rules.grant_terms import GrantTerms, Scheme
from grants.rules.payment_schedule import Item, ItemKind, ItemStatus

TERMS = GrantTerms()


def facts(**kw):
    base = {
        "scheme": Scheme.single,
        "terms": TERMS,
        "start": date(2027, 1, 1),
        "months": 24,
        "end": date(2028, 12, 31),
    }
    return GrantFacts(**(base | kw))


def whats(items):
    return [(i.what, i.period, i.due_on) for i in items]


def test_single_scheme_final_report_only():
    assert whats(due_reports(facts())) == [("final_report", 1, date(2029, 3, 31))]


def test_periodic_scheme_interim_reports_then_final():
    assert whats(due_reports(facts(scheme=Scheme.periodic))) == [
        ("interim_report", 1, date(2028, 2, 29)),
        ("final_report", 2, date(2029, 3, 31)),
    ]


def test_a_sent_report_is_not_due():
    sent = facts(scheme=Scheme.periodic, sent_reports=frozenset({("interim", 1)}))
    assert [i.what for i in due_reports(sent)] == ["final_report"]
    assert due_reports(facts(sent_reports=frozenset({("final", 1)}))) == []


def item(status, amount="72000.00", done="0.00", kind=ItemKind.prefinancing, period=1):
    return Item(kind, period, D(amount), D(amount), D(done), D("0.00"), date(2027, 1, 30), status)


def test_a_payment_is_listed_as_the_schedule_says_for_what_is_left():
    assert payment_due(item(ItemStatus.due)) == (
        Due("prefinancing", 1, date(2027, 1, 30), D("72000.00")),
        "due",
    )
    overdue = payment_due(item(ItemStatus.overdue, done="2000.00"))
    assert overdue == (Due("prefinancing", 1, date(2027, 1, 30), D("70000.00")), "overdue")
    recovery = payment_due(item(ItemStatus.due, "26000.00", kind=ItemKind.recovery, period=None))
    assert recovery[0].what == "recovery" and recovery[0].amount == D("26000.00")


def test_a_payment_not_released_or_done_is_not_listed():
    for status in set(ItemStatus) - {ItemStatus.due, ItemStatus.overdue}:
        assert payment_due(item(status)) is None, status


def test_due_and_overdue():
    today = date(2027, 6, 1)
    assert state(Due("final_report", 1, date(2027, 5, 31)), today) == "overdue"
    assert state(Due("final_report", 1, date(2027, 6, 1)), today) == "due"
    assert state(Due("final_report", 1, date(2027, 7, 1)), today) == "due"
    assert state(Due("final_report", 1, date(2027, 7, 2)), today) is None
    assert state(Due("recovery", None, None), today) == "due"


def test_still_to_pay_is_the_final_amount_or_the_maximum_less_what_was_paid():
    in_force = GrantStatus.in_force
    assert still_to_pay(in_force, D("1000.00"), None, D("800.00")) == D("200.00")
    assert still_to_pay(in_force, D("1000.00"), D("900.00"), D("800.00")) == D("100.00")
    assert still_to_pay(in_force, D("1000.00"), D("700.00"), D("800.00")) == D("0.00")  # recover
    assert still_to_pay(GrantStatus.closed, D("1000.00"), None, D("0.00")) == D("0.00")
