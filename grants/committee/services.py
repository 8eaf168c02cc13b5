"""Commands of the committee (docs/domain.md 4): staff name and remove members and record the
minutes; a member signs the declaration of impartiality and approves the evaluation report as the
ranking stands. Each change is audited; a refusal is a CommitteeRefused (grants.rules.committee).

The report is approved by the committee as composed (PRAG 6.5: the report is signed by the
committee that evaluated): naming or removing the chair or a voting member voids every approval
given so far, and those who approve then approve again. The secretary and observers do not approve:
changing them leaves the approvals standing. Every change and every approval first locks the call's
row (`_lock`): an approval given while the voting members change waits for that change and is
voided by it or given to the new committee, never kept from the old one."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from grants.audit import record
from grants.committee.queries import current_fingerprint, members, seat
from grants.extensions import db
from grants.models import (
    Call,
    CommitteeApproval,
    CommitteeMember,
    CommitteeMinutes,
    CommitteeRole,
    Role,
    User,
)
from grants.models.base import now_utc
from grants.rules.committee import APPROVERS, CommitteeRefused, check_approval, check_new_role
from grants.rules.problems import N_

MEMBER_ROLES = (Role.staff, Role.admin, Role.evaluator)


def _lock(call: Call) -> None:
    """Take the call's row for this transaction: committee changes and approvals of one call go one
    at a time (PostgreSQL; SQLite has one writer at a time anyway)."""
    db.session.execute(select(Call.id).where(Call.id == call.id).with_for_update())


def _refuse_if_final(call: Call) -> None:
    _lock(call)
    if call.finalised_at is not None:
        raise CommitteeRefused(
            N_("The decisions of call %(reference)s are final: the committee no longer changes."),
            reference=call.reference,
        )


def add_member(call: Call, user_id: int, role: str, by: int) -> CommitteeMember:
    """Name a staff user or an evaluator to the committee in a role."""
    _refuse_if_final(call)
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role not in MEMBER_ROLES:
        raise CommitteeRefused(N_("Choose an active staff user or evaluator."), field="user_id")
    current = members(call.id)
    if any(m.user_id == user_id for m in current):
        raise CommitteeRefused(
            N_("%(name)s is already on the committee."), field="user_id", name=user.name
        )
    issues = check_new_role([m.role.value for m in current], role)
    if issues:
        raise CommitteeRefused(issues=issues)
    if role in APPROVERS:
        _void_approvals(call, by, {"member_added": user.name, "role": role})
    member = CommitteeMember(call_id=call.id, user_id=user_id, role=CommitteeRole(role))
    db.session.add(member)
    db.session.flush()
    record(
        "committee.member_added",
        member,
        after={"user": user.name, "role": role},
        user_id=by,
    )
    return member


def remove_member(call: Call, member: CommitteeMember, by: int) -> None:
    """Take a member off the committee (their signature and approval go with them; the minutes of
    meetings they attended keep them). Removing the chair or a voting member voids every
    approval."""
    _refuse_if_final(call)
    attended = db.session.scalar(
        select(CommitteeMinutes.id).where(CommitteeMinutes.attendees.contains(member)).limit(1)
    )
    if attended is not None:
        raise CommitteeRefused(
            N_(
                "%(name)s attended a meeting recorded in the minutes: a member who attended "
                "stays on the committee."
            ),
            name=member.user.name,
        )
    record(
        "committee.member_removed",
        member,
        before={
            "user": member.user.name,
            "role": member.role,
            "signed_at": member.impartiality_signed_at,
        },
        user_id=by,
    )
    if member.role.value in APPROVERS:
        _void_approvals(call, by, {"member_removed": member.user.name, "role": member.role})
    db.session.delete(member)
    db.session.flush()


def _void_approvals(call: Call, by: int, change: dict) -> None:
    """The voting composition changes: every approval of the report given so far is void (kept,
    marked voided, so that its member sees why they must approve again; the audit event names who
    had approved and the change that voided it)."""
    approvals = list(
        db.session.scalars(
            select(CommitteeApproval)
            .where(CommitteeApproval.call_id == call.id, CommitteeApproval.voided_at.is_(None))
            .options(joinedload(CommitteeApproval.member).joinedload(CommitteeMember.user))
        )
    )
    if not approvals:
        return
    record(
        "committee.approvals_voided",
        call,
        before={"approved_by": ", ".join(a.member.user.name for a in approvals)},
        after=change,
        user_id=by,
    )
    at = now_utc()
    for approval in approvals:
        approval.voided_at = at
    db.session.flush()


def sign(member: CommitteeMember) -> None:
    """The member signs the declaration of impartiality and confidentiality (once)."""
    if member.impartiality_signed_at is not None:
        return
    member.impartiality_signed_at = now_utc()
    db.session.flush()
    record(
        "committee.impartiality_signed",
        member,
        after={"role": member.role, "signed_at": member.impartiality_signed_at},
        user_id=member.user_id,
    )


def approve(call: Call, member: CommitteeMember) -> None:
    """The member approves the evaluation report as the ranking now stands; an approval of an
    earlier ranking, or one voided by a change of the voting composition, is replaced."""
    _lock(call)
    # as the change that held the lock left it: the member may have been removed meanwhile
    if db.session.get(CommitteeMember, member.id, populate_existing=True) is None:
        raise CommitteeRefused(N_("You are no longer on the committee of this call."))
    db.session.refresh(member, ["approval"])
    fingerprint = current_fingerprint(call.id)
    issues = check_approval(seat(member), fingerprint, call.finalised_at is not None)
    if issues:
        raise CommitteeRefused(issues=issues)
    approval = member.approval
    before = (
        {
            "approved_at": approval.approved_at,
            "fingerprint": approval.fingerprint,
            "voided_at": approval.voided_at,
        }
        if approval
        else None
    )
    if approval is None:
        approval = CommitteeApproval(call_id=call.id, member=member)
        db.session.add(approval)
    approval.approved_at, approval.fingerprint, approval.voided_at = now_utc(), fingerprint, None
    db.session.flush()
    record(
        "committee.report_approved",
        member,
        before=before,
        after={"approved_at": approval.approved_at, "fingerprint": fingerprint},
        user_id=member.user_id,
    )


def record_minutes(
    call: Call, meeting_date: date, attendee_ids: list[int], decisions: str, by: int
) -> CommitteeMinutes:
    """The minutes of a meeting: its date, who attended (members of the committee) and what it
    decided."""
    _refuse_if_final(call)
    seated = {m.id: m for m in members(call.id)}
    attendees = [seated[i] for i in attendee_ids if i in seated]
    if not attendees or len(attendees) != len(set(attendee_ids)):
        raise CommitteeRefused(
            N_("Tick the members of the committee who attended the meeting."),
            field="attendees",
        )
    if not decisions.strip():
        raise CommitteeRefused(N_("Write the decisions of the meeting."), field="decisions")
    entry = CommitteeMinutes(
        call_id=call.id,
        meeting_date=meeting_date,
        decisions=decisions.strip(),
        recorded_by_id=by,
        attendees=attendees,
    )
    db.session.add(entry)
    db.session.flush()
    record(
        "committee.minutes_recorded",
        entry,
        after={
            "meeting_date": meeting_date,
            "attendees": [m.user.name for m in attendees],
            "decisions": entry.decisions,
        },
        user_id=by,
    )
    return entry
