"""docs/domain.md 7, Oversight: which reports and payments are due or overdue on a grant."""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

from grants.rules.grant_oversight import Due, GrantFacts, due_items, state, still_to_pay
from grants.rules.grant_status import GrantStatus
from grants.rules.grant_terms import GrantTerms, Scheme

TERMS = GrantTerms()


def facts(**kw):
    base = {
        "max_grant": D("90000.00"),
        "rate": Fraction(90000, 107000),
        "scheme": Scheme.single,
        "terms": TERMS,
        "start": date(2027, 1, 1),
        "months": 24,
        "end": date(2028, 12, 31),
        "in_force_on": date(2026, 12, 31),
    }
    return GrantFacts(**(base | kw))


def whats(items):
    return [(i.what, i.period, i.due_on, i.amount) for i in items]


def test_single_scheme_pre_financing_and_final_report():
    assert whats(due_items(facts())) == [
        ("final_report", 1, date(2029, 3, 31), None),
        ("prefinancing", 1, date(2027, 1, 30), D("72000.00")),
    ]


def test_what_was_done_is_not_due():
    done = facts(sent_reports=frozenset({("final", 1)}), paid_instalments={1: D("72000.00")})
    assert due_items(done) == []


def test_periodic_next_instalment_waits_for_the_report_and_the_70_percent():
    periodic = facts(
        max_grant=D("100000.01"),
        rate=Fraction(10000001, 10700000),
        scheme=Scheme.periodic,
        paid_instalments={1: D("50000.01")},  # 100,000.01 x 12 / 24
    )
    assert [i.what for i in due_items(periodic)] == ["interim_report", "final_report"]
    approved = facts(
        **{
            **periodic.__dict__,
            "sent_reports": frozenset({("interim", 1)}),
            "approved_interims": {1: date(2028, 3, 10)},
            "accepted_costs": D("37450.01"),  # x rate >= 35,000.007 = 70 % of 50,000.01
        }
    )
    (instalment,) = [i for i in due_items(approved) if i.what == "prefinancing"]
    assert instalment.period == 2 and instalment.due_on == date(2028, 5, 9)
    assert instalment.amount == D("39999.99")  # 90,000.00 ceiling less 50,000.01
    short = facts(**{**approved.__dict__, "accepted_costs": D("37450.00")})
    assert [i for i in due_items(short) if i.what == "prefinancing"] == []


def test_balance_or_recovery_once_the_final_amount_is_set():
    owed = facts(
        final_amount=D("80000.00"), paid_total=D("72000.00"), sent_reports=frozenset({("final", 1)})
    )
    assert whats(due_items(owed)) == [("balance", None, None, D("8000.00"))]
    back = facts(
        final_amount=D("36000.00"),
        paid_total=D("72000.00"),
        recovered_total=D("10000.00"),
        sent_reports=frozenset({("final", 1)}),
    )
    assert whats(due_items(back)) == [("recovery", None, None, D("26000.00"))]
    settled = facts(
        final_amount=D("72000.00"), paid_total=D("72000.00"), sent_reports=frozenset({("final", 1)})
    )
    assert due_items(settled) == []


def test_due_and_overdue():
    today = date(2027, 6, 1)
    assert state(Due("prefinancing", 1, date(2027, 5, 31)), today) == "overdue"
    assert state(Due("prefinancing", 1, date(2027, 6, 1)), today) == "due"
    assert state(Due("prefinancing", 1, date(2027, 7, 1)), today) == "due"
    assert state(Due("prefinancing", 1, date(2027, 7, 2)), today) is None
    assert state(Due("recovery", None, None), today) == "due"


def test_still_to_pay_is_the_final_amount_or_the_maximum_less_what_was_paid():
    in_force = GrantStatus.in_force
    assert still_to_pay(in_force, D("1000.00"), None, D("800.00")) == D("200.00")
    assert still_to_pay(in_force, D("1000.00"), D("900.00"), D("800.00")) == D("100.00")
    assert still_to_pay(in_force, D("1000.00"), D("700.00"), D("800.00")) == D("0.00")  # recover
    assert still_to_pay(GrantStatus.closed, D("1000.00"), None, D("0.00")) == D("0.00")
