"""The evaluation committee of a call (docs/domain.md 4; PRAG 6 where the domain is silent), over
plain values: no Flask, no session.

A committee has one non-voting chair, one non-voting secretary, an odd number (at least 3) of voting
members, and any number of observers; a user sits on it once. Every member signs the declaration of
impartiality and confidentiality. The chair and every voting member approve the evaluation report
as the ranking stands: an approval carries the ranking's fingerprint (a hash over each ranked
application's reference, stage, lot, status, final score, rank and awarded amount, so the same in
any installation the call is moved to) and is void once the ranking differs. Observers and the
secretary do not approve. The decisions can be finalised only when the committee is complete,
every member signed, and every approval it needs stands.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from .problems import N_, Issue, Refused

ROLES = ("chair", "secretary", "voting", "observer")
APPROVERS = frozenset({"chair", "voting"})  # who approves the evaluation report
MIN_VOTING = 3


class CommitteeRefused(Refused):
    """A change to the committee, its minutes or an approval that cannot be made."""


@dataclass(frozen=True)
class Seat:
    """A member as the rules see them: who (a name to show), the role, the signature and the
    approval (the fingerprint approved, None if none)."""

    name: str
    role: str
    signed_at: datetime | None
    approved: str | None = None
    voided: bool = False  # the approval was voided by a change of the voting composition


@dataclass(frozen=True)
class Ranked:
    """One ranked application stage, as far as the ranking is concerned."""

    application: str  # its reference: the same in every installation the call is moved to
    stage: str
    lot: str | None
    status: str
    final_score: Decimal | None
    rank: int | None
    awarded_amount: Decimal | None


def _money(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def ranking_fingerprint(rows: Iterable[Ranked]) -> str:
    """A SHA-256 hex digest of the ranking: the same rows, in any order, give the same digest; any
    change of an application's status, score, rank, lot or amount gives another."""
    lines = sorted(
        "|".join(
            (
                r.application,
                r.stage,
                r.lot or "",
                r.status,
                _money(r.final_score),
                "" if r.rank is None else str(r.rank),
                _money(r.awarded_amount),
            )
        )
        for r in rows
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def composition_issues(roles: Sequence[str]) -> list[Issue]:
    """What keeps the committee from being complete: one chair, one secretary, an odd number of at
    least 3 voting members."""
    issues = []
    for role, message in (
        ("chair", N_("The committee needs exactly one chair; it has %(count)d.")),
        ("secretary", N_("The committee needs exactly one secretary; it has %(count)d.")),
    ):
        count = roles.count(role)
        if count != 1:
            issues.append(Issue("role", message, {"count": count}))
    voting = roles.count("voting")
    if voting < MIN_VOTING or voting % 2 == 0:
        issues.append(
            Issue(
                "role",
                N_(
                    "The committee needs an odd number of voting members, at least %(minimum)d; "
                    "it has %(count)d."
                ),
                {"minimum": MIN_VOTING, "count": voting},
            )
        )
    return issues


def must_approve(seat: Seat) -> bool:
    return seat.role in APPROVERS


VOID_OR_MISSING = ("missing", "void", "void_committee")


def approval_valid(seat: Seat, fingerprint: str) -> bool:
    """An approval stands while the ranking is the one approved and the voting composition the one
    that approved."""
    return seat.approved is not None and not seat.voided and seat.approved == fingerprint


def approval_state(seat: Seat, fingerprint: str) -> str:
    """'not_needed' (secretary, observer), 'valid', 'void' (approved another ranking),
    'void_committee' (voided by a change of the voting composition) or 'missing'."""
    if not must_approve(seat):
        return "not_needed"
    if seat.approved is None:
        return "missing"
    if seat.voided:
        return "void_committee"
    return "valid" if approval_valid(seat, fingerprint) else "void"


def finalisation_issues(seats: Sequence[Seat], fingerprint: str) -> list[Issue]:
    """Why the decisions cannot be finalised yet, as far as the committee is concerned."""
    issues = composition_issues([s.role for s in seats])
    unsigned = [s.name for s in seats if s.signed_at is None]
    if unsigned:
        issues.append(
            Issue(
                "",
                N_(
                    "These committee members have not signed the declaration of impartiality: "
                    "%(names)s."
                ),
                {"names": ", ".join(unsigned)},
            )
        )
    waiting = [s.name for s in seats if approval_state(s, fingerprint) in VOID_OR_MISSING]
    if waiting:
        issues.append(
            Issue(
                "",
                N_(
                    "These committee members have not approved the evaluation report as the "
                    "ranking now stands: %(names)s."
                ),
                {"names": ", ".join(waiting)},
            )
        )
    return issues


def check_approval(seat: Seat, fingerprint: str, finalised: bool) -> list[Issue]:
    """A member may approve once signed, if their role approves, before the decisions are final."""
    if finalised:
        return [Issue("", N_("The decisions of this call are final: nothing can be approved."))]
    if not must_approve(seat):
        return [Issue("", N_("Only the chair and the voting members approve the report."))]
    if seat.signed_at is None:
        return [Issue("", N_("Sign the declaration of impartiality before approving."))]
    if approval_valid(seat, fingerprint):
        return [Issue("", N_("You have already approved the report as the ranking now stands."))]
    return []


def check_new_role(roles: Sequence[str], role: str) -> list[Issue]:
    """A chair or secretary may be named only once per committee."""
    if role not in ROLES:
        return [Issue("role", N_("Choose one of the roles."))]
    if role == "chair" and role in roles:
        return [Issue("role", N_("The committee already has a chair: remove them first."))]
    if role == "secretary" and role in roles:
        return [Issue("role", N_("The committee already has a secretary: remove them first."))]
    return []
