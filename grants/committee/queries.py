"""Read models of the committee: its members with their signatures and approvals, its minutes, the
current ranking's fingerprint and what finalisation still waits for. No writes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, selectinload

from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    CommitteeApproval,
    CommitteeMember,
    CommitteeMinutes,
    CommitteeRole,
    Lot,
    Organisation,
    Role,
    User,
)
from grants.rules.committee import (
    Ranked,
    Seat,
    approval_state,
    finalisation_issues,
    ranking_fingerprint,
)
from grants.rules.problems import Issue
from grants.rules.transitions import SCORED

ROLE_ORDER = {role: i for i, role in enumerate(CommitteeRole)}


@dataclass(frozen=True)
class MemberRow:
    member: CommitteeMember
    state: str  # approval_state: not_needed, valid, void, void_committee, missing


@dataclass(frozen=True)
class Committee:
    call: Call
    fingerprint: str
    rows: list[MemberRow]
    minutes: list[CommitteeMinutes]
    issues: list[Issue]  # what finalisation waits for; empty when the committee is ready

    @property
    def ready(self) -> bool:
        return not self.issues


def current_fingerprint(call_id: int) -> str:
    """The fingerprint of the call's ranking as it stands: every stage whose final score is settled
    (one query)."""
    rows = db.session.execute(
        select(
            Application.reference,
            ApplicationStage.stage,
            Lot.code,
            ApplicationStage.status,
            ApplicationStage.final_score,
            ApplicationStage.rank,
            ApplicationStage.awarded_amount,
        )
        .join(Application, ApplicationStage.application_id == Application.id)
        .outerjoin(Lot, Application.lot_id == Lot.id)
        .where(Application.call_id == call_id, ApplicationStage.status.in_(SCORED))
    )
    return ranking_fingerprint(
        Ranked(reference or "", stage.value, lot, status.value, score, rank, amount)
        for reference, stage, lot, status, score, rank, amount in rows
    )


def members(call_id: int) -> list[CommitteeMember]:
    """The committee, chair first, then the secretary, voting members and observers (one query,
    plus one for the approvals)."""
    found = db.session.scalars(
        select(CommitteeMember)
        .join(CommitteeMember.user)
        .where(CommitteeMember.call_id == call_id)
        .options(contains_eager(CommitteeMember.user), selectinload(CommitteeMember.approval))
        .order_by(User.name, CommitteeMember.id)
    ).all()
    return sorted(found, key=lambda m: ROLE_ORDER[m.role])


def seat(member: CommitteeMember) -> Seat:
    approval = member.approval
    return Seat(
        member.user.name,
        member.role.value,
        member.impartiality_signed_at,
        approval.fingerprint if approval else None,
        approval is not None and approval.voided_at is not None,
    )


def minutes(call_id: int) -> list[CommitteeMinutes]:
    return list(
        db.session.scalars(
            select(CommitteeMinutes)
            .where(CommitteeMinutes.call_id == call_id)
            .options(
                selectinload(CommitteeMinutes.attendees).joinedload(CommitteeMember.user),
                selectinload(CommitteeMinutes.recorded_by),
            )
            .order_by(CommitteeMinutes.meeting_date, CommitteeMinutes.id)
        )
    )


def committee(call: Call) -> Committee:
    """Everything the committee page, the member page and the evaluation report show."""
    fingerprint = current_fingerprint(call.id)
    found = members(call.id)
    seats = [seat(m) for m in found]
    return Committee(
        call,
        fingerprint,
        [MemberRow(m, approval_state(s, fingerprint)) for m, s in zip(found, seats, strict=True)],
        minutes(call.id),
        finalisation_issues(seats, fingerprint),
    )


def waiting_for(call_id: int) -> list[Issue]:
    """Why the committee does not yet let the decisions be finalised (empty: it does)."""
    fingerprint = current_fingerprint(call_id)
    return finalisation_issues([seat(m) for m in members(call_id)], fingerprint)


def approvals_exist(call_id: int) -> bool:
    """Whether any member has approved the evaluation report since the voting composition last
    changed (the approval standing, or void by a change of the ranking)."""
    return (
        db.session.scalar(
            select(CommitteeApproval.id)
            .where(CommitteeApproval.call_id == call_id, CommitteeApproval.voided_at.is_(None))
            .limit(1)
        )
        is not None
    )


def candidates(call_id: int) -> list[User]:
    """Active staff users and evaluators who are not on the committee yet, by name."""
    taken = select(CommitteeMember.user_id).where(CommitteeMember.call_id == call_id)
    return list(
        db.session.scalars(
            select(User)
            .where(
                User.active.is_(True),
                User.role.in_([Role.staff, Role.admin, Role.evaluator]),
                User.id.not_in(taken),
            )
            .order_by(User.name, User.id)
        )
    )


def my_seats(user: User) -> list[tuple[CommitteeMember, Call]]:
    """The committees the user sits on, newest call first."""
    return list(
        db.session.execute(
            select(CommitteeMember, Call)
            .join(Call, Call.id == CommitteeMember.call_id)
            .where(CommitteeMember.user_id == user.id)
            .order_by(Call.id.desc())
        ).all()
    )


@dataclass(frozen=True)
class RankedLine:
    reference: str
    lead: str
    stage: str
    lot: str | None
    status: str
    final_score: object
    rank: int | None
    awarded_amount: object


def ranked_lines(call_id: int) -> list[RankedLine]:
    """The ranking the members approve: every stage whose final score is settled, per stage and
    lot, best first (one query)."""
    rows = db.session.execute(
        select(
            Application.reference,
            Organisation.name,
            ApplicationStage.stage,
            Lot.code,
            ApplicationStage.status,
            ApplicationStage.final_score,
            ApplicationStage.rank,
            ApplicationStage.awarded_amount,
        )
        .join(Application, ApplicationStage.application_id == Application.id)
        .join(Organisation, Application.lead_id == Organisation.id)
        .outerjoin(Lot, Application.lot_id == Lot.id)
        .where(Application.call_id == call_id, ApplicationStage.status.in_(SCORED))
    )
    lines = [
        RankedLine(ref, lead, stage.value, lot, status.value, score, rank, amount)
        for ref, lead, stage, lot, status, score, rank, amount in rows
    ]
    return sorted(
        lines,
        key=lambda x: (x.stage, x.lot or "", x.rank is None, x.rank or 0, -(x.final_score or 0)),
    )


def report_data(call: Call) -> tuple[list[tuple], list[tuple]]:
    """The committee as the evaluation report shows it, as plain tuples: (name, role, signed_at,
    approval state, approved_at) per member and (meeting date, attendees' names, decisions,
    recorded by) per meeting."""
    view = committee(call)
    seats = [
        (
            row.member.user.name,
            row.member.role.value,
            row.member.impartiality_signed_at,
            row.state,
            row.member.approval.approved_at if row.member.approval else None,
        )
        for row in view.rows
    ]
    meetings = [
        (
            m.meeting_date,
            tuple(a.user.name for a in m.attendees),
            m.decisions,
            m.recorded_by.name,
        )
        for m in view.minutes
    ]
    return seats, meetings
