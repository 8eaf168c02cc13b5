"""Shared arrangements for the tests of the selection's record: the example call ranked, then three
decisions changed by staff (a reduced award, a move to not selected, a reserve promotion), the
declaration of impartiality signed by two evaluators, their declarations of no conflict, and one
declared conflict."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from grants.awards.services.decisions import override, promote_reserve
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    ConflictStatus,
    StageStatus,
    User,
)
from tests.factories import make_user
from tests.factories.exports import ranked_example

WHY_REDUCED = "Budget heading 3 duplicates equipment the regional development agency already funds."
WHY_NOT_SELECTED = (
    "Double funding: the same activities are funded under the EU Delegation's 2017 call."
)
WHY_PROMOTED = "First reserve application that fits the budget freed by the two changes above."
CONFLICT = "I chaired the twinning committee of the lead municipality until 2017."
SIGNED = datetime(2018, 5, 2, 7, 30, tzinfo=UTC)
DECLARED = datetime(2018, 5, 3, 8, 15, tzinfo=UTC)


def stage_of(reference: str) -> ApplicationStage:
    return db.session.scalar(
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(Application.reference == reference)
    )


def evaluator(key: str) -> User:
    return db.session.scalar(select(User).where(User.key == key))


def call_with_record() -> tuple[Call, User]:
    """The example call with its record, committed (a savepoint in the tests); and the staff
    member."""
    call = ranked_example()
    staff = make_user("staff", name="Selin Yıldız", email="selin.yildiz@example.org")
    override(
        call.id,
        stage_of("TTGS-DEMO-0023").id,
        StageStatus.awarded,
        Decimal("100000.00"),
        WHY_REDUCED,
        staff.id,
    )
    override(
        call.id,
        stage_of("TTGS-DEMO-0036").id,
        StageStatus.not_selected,
        None,
        WHY_NOT_SELECTED,
        staff.id,
    )
    promote_reserve(call.id, None, WHY_PROMOTED, staff.id)
    for key in ("ev1", "ev2"):
        member = db.session.scalar(
            select(CallEvaluator).where(
                CallEvaluator.call_id == call.id, CallEvaluator.user_id == evaluator(key).id
            )
        )
        member.impartiality_signed_at = SIGNED
    first = stage_of("TTGS-DEMO-0001")
    for assignment in db.session.scalars(select(Assignment).where(Assignment.stage_id == first.id)):
        assignment.conflict_declared_at = DECLARED
    db.session.add(
        Assignment(
            stage_id=first.id,
            evaluator_id=evaluator("ev3").id,
            conflict=ConflictStatus.conflict,
            conflict_declared_at=DECLARED,
            ended_at=DECLARED,
            conflict_reason=CONFLICT,
        )
    )
    db.session.commit()
    return call, staff
