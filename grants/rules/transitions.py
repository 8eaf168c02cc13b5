"""Status machines of calls, application stages and partners (docs/domain.md 2 and 3): the
statuses, their groups and the transitions, declared once here in terms of the enums; models,
services, pages and reports use these groups. (A grant's, its reports', payments' and amendments'
are in grant_status.py.)"""

from __future__ import annotations

import enum

__all__ = [
    "CALL_TRANSITIONS",
    "PARTNER_TRANSITIONS",
    "STAGE_TRANSITIONS",
    "PartnerStatus",
    "CallStatus",
    "InvalidTransition",
    "StageStatus",
    "AWARD_DECISIONS",
    "SHORTLIST_DECISIONS",
    "DECIDED",
    "CHOSEN",
    "UNDECIDED",
    "SCORED",
    "IN_EVALUATION",
    "RANKABLE",
    "NOT_FUNDED",
    "ADVERSE",
    "allowed_call_transitions",
    "allowed_stage_transitions",
    "in_order",
    "check_call_transition",
    "check_partner_transition",
    "check_stage_transition",
]


class CallStatus(enum.Enum):
    draft = "draft"
    published = "published"
    evaluation = "evaluation"
    decided = "decided"
    closed = "closed"


class StageStatus(enum.Enum):
    draft = "draft"
    submitted = "submitted"
    admissible = "admissible"
    inadmissible = "inadmissible"
    evaluated = "evaluated"
    shortlisted = "shortlisted"
    not_shortlisted = "not_shortlisted"
    awarded = "awarded"
    reserve = "reserve"
    not_selected = "not_selected"
    below_threshold = "below_threshold"
    withdrawn = "withdrawn"


S = StageStatus
AWARD_DECISIONS = frozenset({S.awarded, S.reserve, S.not_selected})  # a full application's outcome
SHORTLIST_DECISIONS = frozenset({S.shortlisted, S.not_shortlisted})  # a concept note's outcome
DECIDED = AWARD_DECISIONS | SHORTLIST_DECISIONS  # placed by a ranking
CHOSEN = frozenset({S.awarded, S.shortlisted})  # what a ranked application hopes for
UNDECIDED = frozenset({S.submitted, S.admissible, S.evaluated})  # in the running, no outcome yet
SCORED = DECIDED | {S.evaluated, S.below_threshold}  # its final score is settled
IN_EVALUATION = SCORED | {S.admissible}  # admissible and beyond: it has evaluators or needs them
RANKABLE = DECIDED | {S.admissible, S.evaluated}  # what a ranking places (or waits for)
# the outcomes that end a stage unfunded, in the order the evaluation report lists them
NOT_FUNDED = (S.inadmissible, S.below_threshold, S.not_shortlisted, S.not_selected, S.withdrawn)
# the decisions a letter tells with the way to complain
ADVERSE = frozenset(
    {S.reserve, S.not_selected, S.below_threshold, S.inadmissible, S.not_shortlisted}
)


def in_order(group) -> tuple:
    """A group's statuses in the order the enum declares them (a frozenset's own order varies by
    run)."""
    return tuple(status for status in type(next(iter(group))) if status in group) if group else ()


class InvalidTransition(Exception):
    """A status change the machine refuses; `kind` is 'call', 'application' or 'partner'."""

    def __init__(self, kind: str, old: str, new: str) -> None:
        self.kind, self.old, self.new = kind, old, new
        super().__init__(f"A {kind} cannot go from '{old}' to '{new}'")


C = CallStatus
CALL_TRANSITIONS: dict[CallStatus, frozenset[CallStatus]] = {
    C.draft: frozenset({C.published}),
    C.published: frozenset({C.evaluation}),
    C.evaluation: frozenset({C.decided}),
    C.decided: frozenset({C.closed}),
    C.closed: frozenset(),
}

# Withdrawal is allowed from every state but inadmissible and the terminal ones. Whether the
# applicant may still
# withdraw (only until the call's decision is final) or only staff may record it (an awarded
# project withdrawing after the decision) is a permission, checked by the caller.
# below_threshold and withdrawn are terminal. Award and shortlist decisions can be moved by staff
# overrides (with a justification, kept by the caller's audit log). The admissibility check's
# outcome
# (admissible or inadmissible) may be changed by staff while the check may still change: no
# evaluator
# assigned and the call's decisions not final (a condition the caller checks, grants.admissibility).
# Nothing else leads out of inadmissible: once the check is locked it is final.
STAGE_TRANSITIONS: dict[StageStatus, frozenset[StageStatus]] = {
    S.draft: frozenset({S.submitted, S.withdrawn}),
    # submitted -> draft: the lead reopens it to correct it before the deadline, while no check has
    # started
    S.submitted: frozenset({S.draft, S.admissible, S.inadmissible, S.withdrawn}),
    S.admissible: frozenset({S.inadmissible, S.evaluated, S.below_threshold, S.withdrawn}),
    S.evaluated: DECIDED | {S.withdrawn},
    S.awarded: frozenset({S.reserve, S.not_selected, S.withdrawn}),
    S.reserve: frozenset({S.awarded, S.not_selected, S.withdrawn}),
    S.not_selected: frozenset({S.awarded, S.reserve, S.withdrawn}),
    S.shortlisted: frozenset({S.not_shortlisted, S.withdrawn}),
    S.not_shortlisted: frozenset({S.shortlisted, S.withdrawn}),
    S.inadmissible: frozenset({S.admissible}),  # the check decided again
    S.below_threshold: frozenset(),
    S.withdrawn: frozenset(),
}


def _value(status: str | enum.Enum) -> str:
    return str(status.value) if isinstance(status, enum.Enum) else status


def _as(kind: type[enum.Enum], status: str | enum.Enum) -> enum.Enum | None:
    """The member of `kind` a status names (a value, or a member of any enum with the same
    values)."""
    try:
        return kind(_value(status))
    except ValueError:
        return None


def allowed_call_transitions(old: str | enum.Enum) -> frozenset[CallStatus]:
    return CALL_TRANSITIONS.get(_as(CallStatus, old), frozenset())


def allowed_stage_transitions(old: str | enum.Enum) -> frozenset[StageStatus]:
    return STAGE_TRANSITIONS.get(_as(StageStatus, old), frozenset())


def check_call_transition(old: str | enum.Enum, new: str | enum.Enum) -> None:
    """Raise InvalidTransition unless a call may move from `old` to `new`."""
    if _as(CallStatus, new) not in allowed_call_transitions(old):
        raise InvalidTransition("call", _value(old), _value(new))


def check_stage_transition(old: str | enum.Enum, new: str | enum.Enum) -> None:
    """Raise InvalidTransition unless an application stage may move from `old` to `new`."""
    if _as(StageStatus, new) not in allowed_stage_transitions(old):
        raise InvalidTransition("application", _value(old), _value(new))


class PartnerStatus(enum.Enum):
    """A partner's answer to its invitation (docs/domain.md 3, Partners)."""

    proposed = "proposed"  # invited, not answered yet (or its confirmation voided by a change)
    confirmed = "confirmed"
    declined = "declined"


P = PartnerStatus
PARTNER_TRANSITIONS: dict[PartnerStatus, frozenset[PartnerStatus]] = {
    P.proposed: frozenset({P.confirmed, P.declined}),
    # confirmed -> proposed: the application changed what the confirmation covered (voided)
    P.confirmed: frozenset({P.proposed, P.declined}),
    P.declined: frozenset({P.confirmed}),  # the partner thinks again while the draft is open
}


def check_partner_transition(old: str | enum.Enum, new: str | enum.Enum) -> None:
    """Raise InvalidTransition unless a partner may move from `old` to `new`."""
    if _as(PartnerStatus, new) not in PARTNER_TRANSITIONS.get(_as(PartnerStatus, old), frozenset()):
        raise InvalidTransition("partner", _value(old), _value(new))
