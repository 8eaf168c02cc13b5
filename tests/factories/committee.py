"""An evaluation committee for a call (domain.md 4): complete, every member signed, and the chair
and voting members' approvals of the ranking as it stands, so that the decisions can be finalised.
Called again after the ranking changed, it approves the new ranking."""

from __future__ import annotations

from grants.committee.queries import current_fingerprint, members, seat
from grants.committee.services import add_member, approve, sign
from grants.models import Call, CommitteeMember, User
from grants.rules.committee import approval_valid, must_approve
from tests.factories import make_user

SEATS = (
    ("chair", "staff", "Chair Person"),
    ("secretary", "staff", "Secretary Person"),
    ("voting", "evaluator", "Voter One"),
    ("voting", "evaluator", "Voter Two"),
    ("voting", "evaluator", "Voter Three"),
    ("observer", "staff", "Observer Person"),
)


def compose_committee(
    call: Call, by: User | None = None, signed: bool = True
) -> list[CommitteeMember]:
    """The call's committee, named (and signed) if it has none yet."""
    found = members(call.id)
    if not found:
        by = by or make_user(role="staff")
        for role, user_role, name in SEATS:
            user = make_user(role=user_role, name=f"{name} {call.id}")
            add_member(call, user.id, role, by.id)
        found = members(call.id)
    if signed:
        for member in found:
            sign(member)
    return found


def approve_committee(call: Call, by: User | None = None) -> list[CommitteeMember]:
    """Every approval the finalisation needs, of the ranking as it now stands."""
    found = compose_committee(call, by)
    fingerprint = current_fingerprint(call.id)
    for member in found:
        s = seat(member)
        if must_approve(s) and not approval_valid(s, fingerprint):
            approve(call, member)
    return found
