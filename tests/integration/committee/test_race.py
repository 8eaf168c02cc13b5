"""An approval given while staff change the voting members (PostgreSQL, two transactions at
once): the change waits for the approval and voids it; the approval is never kept standing from
the old committee."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from sqlalchemy import select

from grants.committee.queries import members
from grants.committee.services import approve, remove_member
from grants.extensions import db as _db
from grants.models import AuditEvent, Call, CommitteeApproval, CommitteeMember
from grants.models.base import now_utc
from tests.factories import make_call, make_user
from tests.factories.committee import compose_committee
from tests.factories.races import at_once, remove_made, require_postgresql


@pytest.mark.postgres
def test_an_approval_given_while_a_voting_member_goes_is_voided(app):
    with app.app_context():
        require_postgresql()
        started = now_utc()
        call = make_call(reference=f"RACE-CO-{uuid.uuid4().hex[:6].upper()}", status="evaluation")
        staff = make_user("staff")
        found = compose_committee(call, staff)
        _db.session.commit()
        chair = next(m for m in found if m.role.value == "chair")
        voter = next(m for m in found if m.role.value == "voting")
        call_id, chair_id, voter_id, staff_id = call.id, chair.id, voter.id, staff.id
        user_ids = [m.user_id for m in found] + [staff_id]
        _db.session.remove()
    approved = threading.Event()

    def approve_and_linger() -> None:  # the chair approves; the commit comes a moment later
        try:
            call = _db.session.get(Call, call_id)
            approve(call, _db.session.get(CommitteeMember, chair_id))
        finally:
            approved.set()
        time.sleep(0.5)
        _db.session.commit()

    def remove_voter() -> None:  # staff take a voting member off while the approval is uncommitted
        approved.wait(30)
        call = _db.session.get(Call, call_id)
        remove_member(call, _db.session.get(CommitteeMember, voter_id), staff_id)
        _db.session.commit()

    try:
        _done, errors = at_once(app, [approve_and_linger, remove_voter])
        with app.app_context():
            assert not errors
            assert len(members(call_id)) == len(user_ids) - 2  # the voter is gone
            approvals = _db.session.scalars(
                select(CommitteeApproval).where(CommitteeApproval.call_id == call_id)
            ).all()
            assert len(approvals) == 1 and approvals[0].voided_at is not None  # kept, void
            voided = _db.session.scalars(
                select(AuditEvent).where(
                    AuditEvent.action == "committee.approvals_voided", AuditEvent.at >= started
                )
            ).all()
            assert len(voided) == 1
    finally:
        remove_made(app, started, calls=[call_id], users=user_ids)
