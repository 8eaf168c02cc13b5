"""The evaluation committee's rules (domain.md 4): composition, who approves, the ranking
fingerprint and void approvals, what finalisation waits for."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from grants.rules.committee import (
    Ranked,
    Seat,
    approval_state,
    check_approval,
    check_new_role,
    composition_issues,
    finalisation_issues,
    must_approve,
    ranking_fingerprint,
)

SIGNED = datetime(2027, 5, 1, 9, 0, tzinfo=UTC)
ROWS = [
    Ranked(
        "TTGS-0001", "full_application", "L1", "awarded", Decimal("81.5000"), 1, Decimal("40000.00")
    ),
    Ranked("TTGS-0002", "full_application", "L1", "reserve", Decimal("70.0000"), 2, None),
    Ranked(
        "TTGS-0003", "full_application", None, "below_threshold", Decimal("40.0000"), None, None
    ),
]
FP = ranking_fingerprint(ROWS)


def committee(voting: int = 3, approved: str | None = FP, signed=SIGNED) -> list[Seat]:
    seats = [Seat("Chair", "chair", signed, approved), Seat("Secretary", "secretary", signed)]
    seats += [Seat(f"Voter {i}", "voting", signed, approved) for i in range(voting)]
    return [*seats, Seat("Observer", "observer", signed)]


@pytest.mark.parametrize("voting", [3, 5, 7])
def test_a_chair_a_secretary_and_an_odd_number_of_at_least_3_voters_is_complete(voting):
    assert composition_issues([s.role for s in committee(voting)]) == []


@pytest.mark.parametrize("voting", [0, 1, 2, 4, 6])
def test_too_few_or_an_even_number_of_voting_members_is_incomplete(voting):
    issues = composition_issues([s.role for s in committee(voting)])
    assert [i.params["count"] for i in issues] == [voting]
    assert "odd number of voting members" in issues[0].message


def test_the_committee_needs_exactly_one_chair_and_one_secretary():
    issues = composition_issues(["chair", "chair", "voting", "voting", "voting"])
    assert [(i.message.split(";")[0], i.params["count"]) for i in issues] == [
        ("The committee needs exactly one chair", 2),
        ("The committee needs exactly one secretary", 0),
    ]


def test_a_second_chair_or_secretary_is_refused_but_voters_and_observers_are_not():
    roles = ["chair", "secretary", "voting"]
    assert check_new_role(roles, "chair") and check_new_role(roles, "secretary")
    assert check_new_role(roles, "voting") == [] and check_new_role(roles, "observer") == []
    assert check_new_role(["voting"], "chair") == []
    assert check_new_role(roles, "president")[0].message == "Choose one of the roles."


def test_only_the_chair_and_voting_members_approve():
    assert [must_approve(s) for s in committee()] == [True, False, True, True, True, False]


def test_the_fingerprint_ignores_order_and_sees_every_change_of_the_ranking():
    assert ranking_fingerprint(reversed(ROWS)) == FP and len(FP) == 64
    first = ROWS[0]
    changes = [
        Ranked("TTGS-0001", "full_application", "L1", "reserve", first.final_score, 1, None),
        Ranked(
            "TTGS-0001",
            "full_application",
            "L1",
            "awarded",
            Decimal("81.4000"),
            1,
            first.awarded_amount,
        ),
        Ranked(
            "TTGS-0001",
            "full_application",
            "L1",
            "awarded",
            first.final_score,
            2,
            first.awarded_amount,
        ),
        Ranked(
            "TTGS-0001",
            "full_application",
            "L2",
            "awarded",
            first.final_score,
            1,
            first.awarded_amount,
        ),
        Ranked(
            "TTGS-0001", "full_application", "L1", "awarded", first.final_score, 1, Decimal("39000")
        ),
        Ranked(
            "TTGS-0004",
            "full_application",
            "L1",
            "awarded",
            first.final_score,
            1,
            first.awarded_amount,
        ),
    ]
    for changed in changes:
        assert ranking_fingerprint([changed, *ROWS[1:]]) != FP, changed


def test_equal_amounts_written_differently_give_the_same_fingerprint():
    same = Ranked(
        "TTGS-0001", "full_application", "L1", "awarded", Decimal("81.5"), 1, Decimal("40000")
    )
    assert ranking_fingerprint([same, *ROWS[1:]]) == FP


def test_an_approval_of_another_ranking_is_void():
    chair = committee()[0]
    assert approval_state(chair, FP) == "valid"
    assert approval_state(chair, "0" * 64) == "void"
    assert approval_state(Seat("C", "chair", SIGNED), FP) == "missing"
    assert approval_state(committee()[1], FP) == "not_needed"


def test_an_approval_voided_by_a_new_composition_is_void_even_of_the_same_ranking():
    voided = Seat("C", "chair", SIGNED, FP, voided=True)
    assert approval_state(voided, FP) == "void_committee"
    assert check_approval(voided, FP, finalised=False) == []  # may approve again
    issues = finalisation_issues([voided, *committee()[1:]], FP)
    assert any("C" in issue.params.get("names", "") for issue in issues)


def test_finalisation_waits_for_nothing_once_complete_signed_and_approved():
    assert finalisation_issues(committee(), FP) == []


def test_finalisation_names_who_has_not_signed_and_who_has_not_approved():
    seats = committee()
    seats[1] = Seat("Secretary", "secretary", None)
    seats[3] = Seat("Voter 1", "voting", SIGNED, "f" * 64)  # approved an earlier ranking
    seats[4] = Seat("Voter 2", "voting", SIGNED, None)
    issues = finalisation_issues(seats, FP)
    assert [i.params["names"] for i in issues] == ["Secretary", "Voter 1, Voter 2"]


def test_finalisation_waits_for_a_complete_committee():
    issues = finalisation_issues(committee(voting=2), FP)
    assert len(issues) == 1 and issues[0].params["count"] == 2
    assert finalisation_issues([], FP)  # no committee at all


def test_a_member_approves_once_signed_and_only_a_new_ranking():
    chair = Seat("Chair", "chair", SIGNED)
    assert check_approval(chair, FP, finalised=False) == []
    assert check_approval(Seat("Chair", "chair", None), FP, False)[0].message.startswith("Sign")
    assert check_approval(Seat("S", "secretary", SIGNED), FP, False)
    assert check_approval(Seat("O", "observer", SIGNED), FP, False)
    assert (
        "already approved" in check_approval(Seat("C", "chair", SIGNED, FP), FP, False)[0].message
    )
    assert check_approval(Seat("C", "chair", SIGNED, "e" * 64), FP, False) == []  # void: again
    assert "final" in check_approval(chair, FP, finalised=True)[0].message
