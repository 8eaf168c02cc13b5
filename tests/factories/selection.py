"""The committee and the admissibility clarifications of a call for the bundle's tests: a complete
committee (chair, secretary, three voting members, an observer) that signed and approved the
ranking as it stands, the minutes of one meeting, an open document request to a lead and an
answered one, a check override, and call days other than the defaults."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from grants.committee.services import record_minutes
from grants.extensions import db
from grants.models import (
    AdmissibilityRequest,
    ApplicationStage,
    Call,
    CheckOverride,
    RequestStatus,
    User,
)
from tests.factories.committee import approve_committee

MET = datetime(2018, 6, 4, 7, 0, tzinfo=UTC)
DECISIONS = "The committee approved the ranked list and the reserve list of the evaluation report."
ASKED = "The declaration is not signed by the mayor; upload a signed copy."
WHY_MET = "The partner's statement was sent by registered mail and received before the deadline."
DAYS = {
    "document_request_days": 10,
    "draft_reminder_first_days": 14,
    "draft_reminder_last_days": 2,
    "evaluation_reminder_days": 5,
}


def add_selection(call: Call, staff: User, stages: list[ApplicationStage]) -> None:
    """The committee, its minutes and approvals, and the clarifications on `stages` (two)."""
    members = approve_committee(call, staff)
    for i, member in enumerate(members):
        member.added_at = MET - timedelta(days=30, minutes=i)
        member.impartiality_signed_at = MET - timedelta(days=20, minutes=i)
        if member.approval is not None:
            member.approval.approved_at = MET + timedelta(hours=2, minutes=i)

    minutes = record_minutes(
        call, date(2018, 6, 4), [m.id for m in members[:5]], DECISIONS, staff.id
    )
    minutes.recorded_at = MET + timedelta(hours=1)
    first, second = stages
    db.session.add_all(
        [
            AdmissibilityRequest(
                stage_id=first.id,
                document="declaration",
                message=ASKED,
                requested_by_id=staff.id,
                requested_at=MET - timedelta(days=60),
                due_at=MET - timedelta(days=53),
                status=RequestStatus.answered,
                answered_at=MET - timedelta(days=55),
            ),
            AdmissibilityRequest(
                stage_id=second.id,
                document="other",
                other="Council decision on the partnership",
                message=ASKED,
                requested_by_id=staff.id,
                requested_at=MET - timedelta(days=59),
                due_at=MET - timedelta(days=52),
            ),
            CheckOverride(
                stage_id=second.id,
                check_key="documents",
                met=True,
                reason=WHY_MET,
                user_id=staff.id,
                at=MET - timedelta(days=50),
            ),
        ]
    )
    for name, value in DAYS.items():
        setattr(call, name, value)
    db.session.commit()
