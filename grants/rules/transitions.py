"""Status machines of calls and application stages (domain.md 2 and 3)."""
from __future__ import annotations

import enum

__all__ = [
    "CALL_TRANSITIONS", "STAGE_TRANSITIONS", "InvalidTransition",
    "allowed_call_transitions", "allowed_stage_transitions",
    "check_call_transition", "check_stage_transition",
]


class InvalidTransition(Exception):
    """A status change the machine refuses; `kind` is 'call' or 'application'."""

    def __init__(self, kind: str, old: str, new: str) -> None:
        self.kind, self.old, self.new = kind, old, new
        super().__init__(f"A {kind} cannot go from '{old}' to '{new}'")


CALL_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"published"}),
    "published": frozenset({"evaluation"}),
    "evaluation": frozenset({"decided"}),
    "decided": frozenset({"closed"}),
    "closed": frozenset(),
}

_DECISIONS = frozenset({"awarded", "reserve", "not_selected"})

# Withdrawal is allowed from every state that is not terminal. Whether the applicant may still
# withdraw (only until the call's decision is final) or only staff may record it (an awarded
# project withdrawing after the decision) is a permission, checked by the caller.
# inadmissible, below_threshold and withdrawn are terminal. Award and shortlist decisions can be
# moved by staff overrides (with a justification, kept by the caller's audit log).
STAGE_TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted", "withdrawn"}),
    # submitted -> draft: the lead reopens it to correct it before the deadline, while no check has started
    "submitted": frozenset({"draft", "admissible", "inadmissible", "withdrawn"}),
    "admissible": frozenset({"evaluated", "below_threshold", "withdrawn"}),
    "evaluated": _DECISIONS | {"shortlisted", "not_shortlisted", "withdrawn"},
    "awarded": frozenset({"reserve", "not_selected", "withdrawn"}),
    "reserve": frozenset({"awarded", "not_selected", "withdrawn"}),
    "not_selected": frozenset({"awarded", "reserve", "withdrawn"}),
    "shortlisted": frozenset({"not_shortlisted", "withdrawn"}),
    "not_shortlisted": frozenset({"shortlisted", "withdrawn"}),
    "inadmissible": frozenset(),
    "below_threshold": frozenset(),
    "withdrawn": frozenset(),
}


def _value(status: str | enum.Enum) -> str:
    return str(status.value) if isinstance(status, enum.Enum) else status


def allowed_call_transitions(old: str | enum.Enum) -> frozenset[str]:
    return CALL_TRANSITIONS.get(_value(old), frozenset())


def allowed_stage_transitions(old: str | enum.Enum) -> frozenset[str]:
    return STAGE_TRANSITIONS.get(_value(old), frozenset())


def check_call_transition(old: str | enum.Enum, new: str | enum.Enum) -> None:
    """Raise InvalidTransition unless a call may move from `old` to `new`."""
    if _value(new) not in allowed_call_transitions(old):
        raise InvalidTransition("call", _value(old), _value(new))


def check_stage_transition(old: str | enum.Enum, new: str | enum.Enum) -> None:
    """Raise InvalidTransition unless an application stage may move from `old` to `new`."""
    if _value(new) not in allowed_stage_transitions(old):
        raise InvalidTransition("application", _value(old), _value(new))
