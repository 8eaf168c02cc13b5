"""The refusals of the decisions after the ranking (grants.rules.decisions)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from grants.rules.decisions import (
    BELOW_MINIMUM,
    award_refusal,
    invitation_refusal,
    unchanged_refusal,
)
from grants.rules.problems import Amount, Moment
from grants.rules.transitions import CallStatus, StageStatus

DEADLINE = datetime(2026, 6, 1, 12, tzinfo=UTC)


def invitation(
    at=DEADLINE - timedelta(days=1), restricted=True, status=CallStatus.evaluation, finalised=False
):
    return invitation_refusal(
        "TTGS-1",
        restricted=restricted,
        status=status,
        finalised=finalised,
        deadline=DEADLINE,
        zone="Europe/Istanbul",
        at=at,
    )


def test_a_restricted_call_before_its_deadline_may_invite():
    assert invitation() is None
    assert invitation(at=DEADLINE - timedelta(seconds=1)) is None


def test_an_open_call_invites_nobody():
    issue = invitation(restricted=False)
    assert "no concept notes" in issue.message and issue.params == {"reference": "TTGS-1"}


@pytest.mark.parametrize(
    "status, finalised",
    [(CallStatus.decided, False), (CallStatus.closed, False), (CallStatus.evaluation, True)],
)
def test_final_decisions_invite_nobody(status, finalised):
    issue = invitation(status=status, finalised=finalised)
    assert "are final" in issue.message and issue.params == {"reference": "TTGS-1"}


def test_from_the_deadline_on_nobody_is_invited():
    issue = invitation(at=DEADLINE)
    assert "deadline" in issue.message and issue.params == {
        "deadline": Moment(DEADLINE, "Europe/Istanbul")
    }
    assert invitation(at=DEADLINE + timedelta(days=3)).message == issue.message


def test_the_first_reason_wins():
    assert "no concept notes" in invitation(restricted=False, finalised=True, at=DEADLINE).message


def award(amount, requested="100000", minimum="50000", confirmed=False):
    return award_refusal(
        Decimal(amount), Decimal(requested), Decimal(minimum), "EUR", below_minimum=confirmed
    )


@pytest.mark.parametrize("amount", ["100000", "50000", "99999.99"])
def test_an_award_up_to_the_requested_grant_and_at_least_the_minimum_is_allowed(amount):
    assert award(amount) is None


@pytest.mark.parametrize("amount", ["0", "-1", "100000.01"])
def test_an_award_of_nothing_or_above_the_request_is_refused(amount):
    issue = award(amount)
    assert issue.field == "" and issue.params == {"requested": Amount(Decimal("100000"), "EUR")}
    assert award(amount, confirmed=True) == issue  # the box does not help


def test_an_award_below_the_minimum_needs_the_box_ticked():
    issue = award("40000")
    assert issue.field == BELOW_MINIMUM == "below_minimum"
    assert issue.params == {
        "amount": Amount(Decimal("40000"), "EUR"),
        "minimum": Amount(Decimal("50000"), "EUR"),
    }
    assert award("40000", confirmed=True) is None


S = StageStatus


def test_the_same_decision_again_is_refused():
    issue = unchanged_refusal(
        "TTGS-1-0001", (S.awarded, Decimal("100000.00")), (S.awarded, Decimal("100000"))
    )
    assert issue is not None and issue.params == {"reference": "TTGS-1-0001"}
    assert unchanged_refusal("R", (S.reserve, None), (S.reserve, None)) is not None


@pytest.mark.parametrize(
    "before, after",
    [
        ((S.awarded, Decimal("100000")), (S.awarded, Decimal("90000"))),  # a reduced amount
        ((S.reserve, None), (S.awarded, Decimal("100000"))),
        ((S.awarded, Decimal("100000")), (S.not_selected, None)),
        ((S.reserve, None), (S.not_selected, None)),
    ],
)
def test_a_changed_status_or_amount_is_allowed(before, after):
    assert unchanged_refusal("R", before, after) is None
