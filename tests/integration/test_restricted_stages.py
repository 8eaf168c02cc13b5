"""Restricted calls: the invited full application goes through the admissibility check, evaluator
assignment and the ranking with the full-application grid; staff change shortlist decisions with a
justification until the shortlisted leads are invited, after which the concept notes' outcomes are
settled."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from grants.awards import rank_call
from grants.evaluation.services.settle import settle_scores
from grants.extensions import db as database
from grants.models import (
    Assignment,
    AuditEvent,
    CallEvaluator,
    ConflictStatus,
    DecisionOverride,
    Evaluation,
    Score,
    Stage,
    StageStatus,
)
from grants.models.base import now_utc
from tests.conftest import sign_in
from tests.factories import make_authority, make_user
from tests.factories.admissibility import decide
from tests.factories.awards import add_application
from tests.factories.restricted import concept_note, full_stage, invite, restricted_call, text
from tests.factories.submission import submit

WHY = "The committee re-read the concept note at its meeting."


@pytest.fixture(autouse=True)
def authority(db):
    """Letter settings given: letters can be issued."""
    return make_authority()


def score_full_application(stage, call, score: int) -> None:
    """Every evaluator assigned to the stage submits `score` for every criterion of the
    full-application grid."""
    criteria = [c for s in call.grid_for(Stage.full_application).sections for c in s.criteria]
    for assignment in stage_assignments(stage):
        assignment.conflict = ConflictStatus.no_conflict
        assignment.evaluation = Evaluation(
            submitted_at=now_utc(), scores=[Score(criterion_id=c.id, score=score) for c in criteria]
        )
    database.session.flush()
    settle_scores(call, [stage])  # the final score stored, as evaluation stores it


def stage_assignments(stage) -> list[Assignment]:
    return list(database.session.scalars(select(Assignment).where(Assignment.stage_id == stage.id)))


def test_the_full_application_is_checked_assigned_and_ranked_with_the_full_grid(
    client, db, post, login_as
):
    call = restricted_call(reference="TTGS-F", total_budget=D("200000.00"))
    application = concept_note(call, rank=1)
    other = concept_note(call, "not_shortlisted", rank=2)
    staff = login_as("staff")
    invite(post, call)
    sign_in(client, make_user(organisation=application.lead))
    assert submit(post, application).status_code == 302
    sign_in(client, staff)
    full = full_stage(application)

    assert "TTGS-F-0001 Full application" in text(
        client.get(f"/staff/calls/{call.id}/admissibility")
    )
    assert "Submitted before the deadline Met" in text(
        client.get(f"/staff/calls/{call.id}/admissibility/{full.id}")
    )
    assert decide(post, full, "admissible").status_code == 302
    assert full_stage(application).status is StageStatus.admissible

    for _n in range(2):
        db.session.add(CallEvaluator(call_id=call.id, user_id=make_user("evaluator").id))
    db.session.commit()
    pool = f"/staff/calls/{call.id}/evaluators"
    assert "TTGS-F-0001 Full application" in text(client.get(pool))
    post(f"{pool}/assign", page=pool)
    assert len(stage_assignments(full)) == call.evaluators_per_application == 2

    score_full_application(full, call, 4)  # 80 of 100 on the full-application grid
    db.session.commit()
    ranking = post(
        f"/staff/calls/{call.id}/ranking/compute",
        page=f"/staff/calls/{call.id}/ranking",
        follow_redirects=True,
    )
    assert "Full application: Whole call" in text(ranking)
    full = full_stage(application)
    assert (full.status, full.final_score, full.rank, full.awarded_amount) == (
        StageStatus.awarded,
        D("80.0000"),
        1,
        D("90000.00"),
    )
    assert application.stage(Stage.concept_note).status is StageStatus.shortlisted
    assert other.stage(Stage.concept_note).status is StageStatus.not_shortlisted


# Shortlist overrides
# ----------------------------------------------------------------------------------


@pytest.fixture
def ranked(db):
    """A restricted call whose three concept notes (scored 50, 40 and 30 of 50) were ranked: the
    first two, asking 100,000.00 each of a 200,000.00 budget at ratio 1.0, are shortlisted."""
    call = restricted_call(reference="CN-S", total_budget=D("200000.00"), shortlist_ratio=D("1.0"))
    notes = [
        add_application(call, [score, score], "100000.00", stage=Stage.concept_note)
        for score in (5, 4, 3)
    ]
    rank_call(call.id)
    db.session.commit()
    return call, [n.stages[0] for n in notes]


def shortlist_url(call, stage) -> str:
    return f"/staff/calls/{call.id}/shortlist/{stage.id}"


def test_staff_change_a_shortlist_decision_with_a_written_justification(
    client, db, login_as, post, ranked
):
    call, (first, _second, third) = ranked
    staff = login_as("staff", name="Selin Staff")
    assert third.status is StageStatus.not_shortlisted
    assert f'href="{shortlist_url(call, third)}"' in client.get(
        f"/staff/calls/{call.id}/ranking"
    ).get_data(as_text=True)
    assert "New decision: Shortlisted." in text(client.get(shortlist_url(call, third)))
    short = post(shortlist_url(call, third), {"justification": "Too short"})
    assert short.status_code == 400 and "at least 20 characters" in text(short)
    db.session.expire_all()
    assert third.status is StageStatus.not_shortlisted
    assert post(shortlist_url(call, third), {"justification": WHY}).status_code == 302
    post(shortlist_url(call, first), {"justification": WHY})
    db.session.expire_all()
    assert (first.status, third.status) == (StageStatus.not_shortlisted, StageStatus.shortlisted)
    override = db.session.scalar(
        select(DecisionOverride).where(DecisionOverride.stage_id == third.id)
    )
    assert (override.from_status, override.to_status, override.justification, override.user_id) == (
        StageStatus.not_shortlisted,
        StageStatus.shortlisted,
        WHY,
        staff.id,
    )
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "shortlist.overridden",
            AuditEvent.object_id == str(third.application_id),
        )
    )
    assert event.after["justification"] == WHY and event.before["status"] == "not_shortlisted"
    changes = text(client.get(f"/staff/calls/{call.id}/ranking?table=changes"))  # their tab
    assert "Decisions changed by staff" in changes and WHY in changes and "Selin Staff" in changes


def test_once_invited_the_shortlist_is_settled(client, db, login_as, post, ranked):
    call, (first, second, third) = ranked
    login_as("staff")
    post(
        shortlist_url(call, third), {"justification": WHY}
    )  # third onto the shortlist, before the invitations
    invite(post, call)
    db.session.expire_all()
    assert all(s.application.stage(Stage.full_application) for s in (first, second, third))

    assert "the shortlist can no longer change" in text(client.get(shortlist_url(call, second)))
    refused = post(
        shortlist_url(call, second), {"justification": WHY}, page=f"/staff/calls/{call.id}/ranking"
    )
    assert refused.status_code == 400 and "the shortlist can no longer change" in text(refused)
    page = client.get(f"/staff/calls/{call.id}/ranking")
    assert "/shortlist/" not in page.get_data(as_text=True) and "decision by hand" not in text(page)

    ranking = post(
        f"/staff/calls/{call.id}/ranking/compute",
        page=f"/staff/calls/{call.id}/ranking",
        follow_redirects=True,
    )  # ranking the full applications leaves the concept notes as they are
    assert "were computed" in text(ranking)
    db.session.expire_all()
    assert [s.status for s in (first, second, third)] == [StageStatus.shortlisted] * 3
    assert db.session.scalar(select(DecisionOverride.discarded_at)) is None


def test_ranking_again_before_the_invitations_still_asks_to_discard_shortlist_changes(
    client, db, login_as, post, ranked
):
    call, (_first, _second, third) = ranked
    login_as("staff")
    post(shortlist_url(call, third), {"justification": WHY})
    assert "Staff changed the decision on 1 application by hand." in text(
        client.get(f"/staff/calls/{call.id}/ranking")
    )
    refused = post(
        f"/staff/calls/{call.id}/ranking/compute",
        page=f"/staff/calls/{call.id}/ranking",
        follow_redirects=True,
    )
    assert "has decisions changed by staff (applications: 1)" in text(refused)
    db.session.expire_all()
    assert third.status is StageStatus.shortlisted


@pytest.mark.parametrize("role", ["applicant", "evaluator"])
def test_only_staff_change_the_shortlist(client, db, login_as, post, ranked, role):
    call, (_first, _second, third) = ranked
    login_as(role)
    assert client.get(shortlist_url(call, third)).status_code == 403
    assert post(shortlist_url(call, third), {"justification": WHY}, page="/").status_code == 403
    db.session.expire_all()
    assert third.status is StageStatus.not_shortlisted


def test_only_concept_notes_with_a_shortlist_decision_can_be_changed(client, db, login_as, ranked):
    call, _stages = ranked
    full = add_application(call, [4, 4])  # an admissible full application of the same call
    db.session.commit()
    login_as("staff")
    assert client.get(shortlist_url(call, full.stages[0])).status_code == 404
