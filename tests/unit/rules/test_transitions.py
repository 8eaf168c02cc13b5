import enum

import pytest

from grants.rules.transitions import (
    STAGE_TRANSITIONS,
    InvalidTransition,
    StageStatus,
    check_call_transition,
    check_stage_transition,
)

CALL_PATH = ["draft", "published", "evaluation", "decided", "closed"]


@pytest.mark.parametrize(("old", "new"), zip(CALL_PATH, CALL_PATH[1:]))
def test_a_call_moves_forward_one_step(old, new):
    check_call_transition(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("draft", "evaluation"),
        ("published", "draft"),
        ("decided", "evaluation"),
        ("closed", "draft"),
        ("published", "published"),
        ("draft", "nonsense"),
    ],
)
def test_a_call_cannot_skip_go_back_or_stay(old, new):
    with pytest.raises(InvalidTransition) as error:
        check_call_transition(old, new)
    assert (error.value.old, error.value.new) == (old, new)
    assert f"from '{old}' to '{new}'" in str(error.value)


ALLOWED = [
    ("draft", "submitted"),
    ("submitted", "admissible"),
    ("submitted", "inadmissible"),
    (
        "submitted",
        "draft",
    ),  # the lead reopens it to correct it before the deadline (docs/domain.md 3)
    ("admissible", "evaluated"),
    ("admissible", "below_threshold"),
    ("evaluated", "awarded"),
    ("evaluated", "reserve"),
    ("evaluated", "not_selected"),
    ("evaluated", "shortlisted"),
    ("evaluated", "not_shortlisted"),
    ("reserve", "awarded"),
    ("reserve", "not_selected"),
    ("awarded", "reserve"),
    ("awarded", "not_selected"),
    ("not_selected", "awarded"),
    ("not_selected", "reserve"),
    # the admissibility check decided again while it may still change (docs/domain.md 3,
    # grants.admissibility)
    ("admissible", "inadmissible"),
    ("inadmissible", "admissible"),
]


@pytest.mark.parametrize(("old", "new"), ALLOWED)
def test_allowed_stage_moves(old, new):
    check_stage_transition(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("draft", "admissible"),
        ("submitted", "evaluated"),
        ("inadmissible", "evaluated"),
        ("admissible", "awarded"),
        ("below_threshold", "awarded"),
        ("withdrawn", "submitted"),
        ("admissible", "draft"),
        ("inadmissible", "draft"),
        ("withdrawn", "draft"),  # no reopening once checked
        ("awarded", "awarded"),
    ],
)
def test_refused_stage_moves(old, new):
    with pytest.raises(InvalidTransition):
        check_stage_transition(old, new)


@pytest.mark.parametrize(
    "old",
    [
        "draft",
        "submitted",
        "admissible",
        "evaluated",
        "awarded",
        "reserve",
        "not_selected",
        "shortlisted",
        "not_shortlisted",
    ],
)
def test_withdrawal_from_every_open_state(old):
    check_stage_transition(old, "withdrawn")


@pytest.mark.parametrize("old", ["below_threshold", "withdrawn"])
def test_terminal_states_go_nowhere(old):
    assert STAGE_TRANSITIONS[StageStatus(old)] == frozenset()
    with pytest.raises(InvalidTransition):
        check_stage_transition(old, "withdrawn")


def test_an_inadmissible_stage_only_goes_back_to_admissible_when_the_check_is_decided_again():
    assert STAGE_TRANSITIONS[StageStatus.inadmissible] == frozenset({StageStatus.admissible})
    for new in ("withdrawn", "draft", "submitted", "evaluated", "below_threshold", "inadmissible"):
        with pytest.raises(InvalidTransition):
            check_stage_transition("inadmissible", new)


@pytest.mark.parametrize(
    ("old", "new"), [("admissible", "inadmissible"), ("inadmissible", "admissible")]
)
def test_the_check_s_outcome_moves_both_ways(old, new):
    """The re-decision is an edge of the table, not a bypass through 'submitted'."""
    assert StageStatus(new) in STAGE_TRANSITIONS[StageStatus(old)]
    check_stage_transition(StageStatus(old), StageStatus(new))


def test_enum_members_are_accepted():
    class Status(enum.Enum):
        draft = "draft"
        submitted = "submitted"
        withdrawn = "withdrawn"

    check_stage_transition(Status.draft, Status.submitted)
    with pytest.raises(InvalidTransition):
        check_stage_transition(Status.withdrawn, Status.draft)


def test_every_status_has_its_transitions_and_the_groups_hold_only_statuses():
    from grants.rules import transitions as t

    assert set(t.STAGE_TRANSITIONS) == set(StageStatus) and set(t.CALL_TRANSITIONS) == set(
        t.CallStatus
    )
    assert t.DECIDED == t.AWARD_DECISIONS | t.SHORTLIST_DECISIONS and t.CHOSEN <= t.DECIDED
    assert t.UNDECIDED.isdisjoint(t.DECIDED) and t.SCORED < t.IN_EVALUATION
    assert t.in_order(t.UNDECIDED) == (
        StageStatus.submitted,
        StageStatus.admissible,
        StageStatus.evaluated,
    )
    # a decided stage only moves to another decision of its kind, or is withdrawn
    for status in t.AWARD_DECISIONS:
        assert t.STAGE_TRANSITIONS[status] <= t.AWARD_DECISIONS | {StageStatus.withdrawn}


def test_a_partner_answers_its_invitation_once_and_may_think_again():
    from grants.rules.transitions import (
        PARTNER_TRANSITIONS,
        PartnerStatus,
        check_partner_transition,
    )

    P = PartnerStatus
    assert set(PARTNER_TRANSITIONS) == set(P)
    check_partner_transition(P.proposed, P.confirmed)
    check_partner_transition(P.proposed, P.declined)
    check_partner_transition(P.confirmed, P.proposed)  # voided by a change it did not confirm
    check_partner_transition(P.confirmed, P.declined)
    check_partner_transition(P.declined, P.confirmed)
    for old, new in (
        (P.confirmed, P.confirmed),
        (P.declined, P.declined),
        (P.declined, P.proposed),
    ):
        with pytest.raises(InvalidTransition):
            check_partner_transition(old, new)
