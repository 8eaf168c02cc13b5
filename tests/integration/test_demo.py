"""`flask demo` loads an account per role, an open call and the example call, and can run again."""
from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallEvaluator,
    CallStatus,
    Organisation,
    StageStatus,
    User,
)
from grants.models.base import now_utc


def test_demo_twice_leaves_one_copy_of_everything(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output

    for email in ("admin@example.org", "staff@example.org", "evaluator@example.org", "applicant@example.org",
                  "partner@example.org"):
        assert email in second.output
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == email)) == 1
    assert "http://127.0.0.1:5000" in second.output and "demo-password-2026" in second.output

    assert db.session.scalars(select(Call.reference).order_by(Call.reference)).all() == [
        "TTGS-2026", "TTGS-DEMO", "TTGS-EVAL"]
    example = db.session.scalar(select(Call).where(Call.reference == "TTGS-DEMO"))
    applications = select(func.count()).select_from(Application).where(Application.call_id == example.id)
    assert db.session.scalar(applications) == 48
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 96 + 2
    assert db.session.scalar(select(func.count()).select_from(CallEvaluator)) == 12 + 1 + 12 + 1
    _accounts_and_open_call_are_usable(db)
    _evaluator_has_unscored_assignments(db)


def _accounts_and_open_call_are_usable(db) -> None:
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert users["admin@example.org"].check_password("demo-password-2026")
    applicant, partner = users["applicant@example.org"], users["partner@example.org"]
    assert applicant.acts_for_organisation and applicant.organisation.country == "TR"
    assert partner.acts_for_organisation and partner.organisation.country == "DE"
    assert partner.organisation.seeking_partner

    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-2026"))
    assert call.status is CallStatus.published and call.opens_at < now_utc() < call.deadline
    assert call.deadline.astimezone(ZoneInfo("Europe/Istanbul")).time() == time(17, 0)
    assert len(call.lots) == 2 and sum(lot.budget for lot in call.lots) == call.total_budget
    assert call.grids[0].max_total == 100


def _evaluator_has_unscored_assignments(db) -> None:
    evaluator = db.session.scalar(select(User).where(User.email == "evaluator@example.org"))
    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-EVAL"))
    assert call.status is CallStatus.evaluation
    stages = db.session.scalars(select(ApplicationStage).join(ApplicationStage.application)
                                .where(Application.call_id == call.id)).all()
    assert len(stages) == 10 and {s.status for s in stages} == {StageStatus.admissible}
    mine = db.session.scalars(select(Assignment).where(Assignment.evaluator_id == evaluator.id)).all()
    assert len(mine) == 10 and all(a.evaluation is None for a in mine)
    member = db.session.scalar(select(CallEvaluator).where(CallEvaluator.user_id == evaluator.id,
                                                           CallEvaluator.call_id == call.id))
    assert member.impartiality_signed_at is None
