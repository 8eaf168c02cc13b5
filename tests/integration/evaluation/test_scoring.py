"""Evaluators score online: drafts, submission lock, final scores, the extra evaluator
(docs/domain.md 4)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from grants.models import (
    Assignment,
    AuditEvent,
    CallEvaluator,
    ConflictStatus,
    Evaluation,
    OutboxMessage,
    Score,
    StageStatus,
)
from grants.models.base import now_utc
from tests.factories import make_user
from tests.factories.evaluation import HIGH, _criterion, _form, _setup, _submit

# scores per criterion code giving these totals on the default full-application grid (max 100)
GOOD = {**HIGH, "2.1": 4, "2.2": 4, "3.2": 4, "3.3": 4, "4.1": 4}  # 100 - 10 = 90
FAIR = dict.fromkeys(HIGH, 4)  # 80
WEAK_SECTION_1 = {**HIGH, "1.1": 2, "1.2": 2, "1.3": 2, "1.4": 2}  # section 1: 8 < 12, total 88
POOR = dict.fromkeys(HIGH, 2)  # 40


def test_page_shows_the_grid_after_the_conflict_declaration(db, login_as, client):
    evaluator = login_as("evaluator")
    call, _, (assignment,) = _setup(db, [evaluator], per_application=1)
    assignment.conflict = ConflictStatus.undeclared
    db.session.commit()
    url = f"/evaluation/assignments/{assignment.id}/score"
    assert client.get(url).headers["Location"].endswith(f"/evaluation/assignments/{assignment.id}")
    assignment.conflict = ConflictStatus.no_conflict
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    criterion = _criterion(call, "3.2")
    assert criterion.title in page and criterion.description in page
    assert "1 – very poor" in page and "Submit and lock my evaluation" in page


def test_draft_keeps_valid_values_and_refuses_a_bad_score_with_input_kept(
    db, login_as, client, post
):
    evaluator = login_as("evaluator")
    call, _, (assignment,) = _setup(db, [evaluator], per_application=1)
    c11, c12 = _criterion(call, "1.1"), _criterion(call, "1.2")
    url = f"/evaluation/assignments/{assignment.id}/score"
    response = post(
        url,
        {
            f"score-{c11.id}": "4",
            f"comment-{c11.id}": "Long experience.",
            f"score-{c12.id}": "7",
            f"comment-{c12.id}": "Typed and kept.",
            "action": "save",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Score for 1.2: give a whole number from 1 to 5." in page and "Typed and kept." in page
    scores = {s.criterion_id: s for s in db.session.scalars(select(Score))}
    assert scores[c11.id].score == 4 and scores[c11.id].comment == "Long experience."
    assert scores[c12.id].score is None and scores[c12.id].comment == "Typed and kept."
    assert db.session.scalar(select(Evaluation)).submitted_at is None
    response = post(url, {f"score-{c12.id}": "3", "action": "save"})  # 1.1 cleared: its row goes
    assert response.status_code == 302
    assert {s.criterion_id: s.score for s in db.session.scalars(select(Score))} == {c12.id: 3}


def test_autosave_returns_live_sums(db, login_as, client, post):
    evaluator = login_as("evaluator")
    call, _, (assignment,) = _setup(db, [evaluator], per_application=1)
    c21, c23 = _criterion(call, "2.1"), _criterion(call, "2.3")  # weights 2 and 1
    response = post(
        f"/evaluation/assignments/{assignment.id}/score",
        {f"score-{c21.id}": "5", f"score-{c23.id}": "3", "action": "autosave"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    panel = response.get_data(as_text=True)
    assert f'id="sum-{c21.section_id}">13 / 25' in panel and "2 of 3 scored" in panel
    assert 'id="sum-total"><strong>13 / 100' in panel and "Draft saved" in panel


def test_submission_lists_everything_missing_and_does_not_lock(db, login_as, client, post):
    evaluator = login_as("evaluator")
    call, _, (assignment,) = _setup(db, [evaluator], per_application=1)
    data = _form(call, {k: v for k, v in HIGH.items() if k != "3.1"}, strengths="")
    data[f"comment-{_criterion(call, '5.2').id}"] = ""
    response = post(f"/evaluation/assignments/{assignment.id}/score", {**data, "action": "submit"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Score criterion 3.1." in page and "Write a comment for criterion 5.2." in page
    for code in ("1", "2", "3", "4", "5"):
        assert f"Name at least one strength of section {code}." in page
    assert "Name at least one weakness" not in page
    evaluation = db.session.scalar(select(Evaluation))
    assert evaluation.submitted_at is None and len(evaluation.scores) == 14


def test_submitted_evaluation_is_locked(db, login_as, client, post):
    evaluator = login_as("evaluator")
    call, application, (assignment,) = _setup(db, [evaluator], per_application=1)
    _submit(client, post, login_as, evaluator, assignment, call, HIGH)
    evaluation = db.session.scalar(select(Evaluation))
    assert evaluation.submitted_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evaluation.submitted"))
    url = f"/evaluation/assignments/{assignment.id}/score"
    response = post(url, {**_form(call, POOR), "action": "save"})
    assert response.status_code == 409 and "submitted and is locked" in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert {s.score for s in db.session.get(Evaluation, evaluation.id).scores} == {5}
    page = client.get(url).get_data(as_text=True)
    assert "It is locked." in page and "<textarea" not in page and "100 / 100" in page


def test_evaluators_never_see_each_others_scores(db, login_as, client, post):
    me, colleague = make_user("evaluator"), make_user("evaluator", name="Carla Colleague")
    call, _, (mine, theirs) = _setup(db, [me, colleague])
    _submit(client, post, login_as, colleague, theirs, call, {**FAIR, "1.1": 1})
    login_as(user=me)
    assert client.get(f"/evaluation/assignments/{theirs.id}/score").status_code == 404
    assert post(f"/evaluation/assignments/{theirs.id}/score", {"action": "save"}).status_code == 404
    page = client.get(f"/evaluation/assignments/{mine.id}/score").get_data(as_text=True)
    assert (
        "Clear and convincing." not in page
        and "Carla Colleague" not in page
        and "77 / 100" not in page
    )


def test_agreeing_evaluations_give_the_mean_and_evaluated(db, login_as, client, post):
    first, second = make_user("evaluator"), make_user("evaluator")
    call, application, (a1, a2) = _setup(db, [first, second])
    _submit(client, post, login_as, first, a1, call, GOOD)
    stage = application.stages[0]
    db.session.refresh(stage)
    assert stage.status is StageStatus.admissible and stage.final_score is None
    _submit(client, post, login_as, second, a2, call, FAIR)
    db.session.refresh(stage)
    assert stage.status is StageStatus.evaluated and stage.final_score == Decimal("85")
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "evaluation.final_score")
    )
    assert event.after["totals"] == ["90", "80"] and event.after["used"] == [0, 1]


def test_a_missed_section_threshold_gives_below_threshold(db, login_as, client, post):
    first, second = make_user("evaluator"), make_user("evaluator")
    call, application, (a1, a2) = _setup(db, [first, second])
    _submit(client, post, login_as, first, a1, call, WEAK_SECTION_1)
    _submit(client, post, login_as, second, a2, call, WEAK_SECTION_1)
    stage = application.stages[0]
    db.session.refresh(stage)
    assert stage.status is StageStatus.below_threshold and stage.final_score == Decimal("88")


def test_discrepancy_brings_one_extra_evaluator_and_the_two_closest_count(
    db, login_as, client, post
):
    first, second, third = make_user("evaluator"), make_user("evaluator"), make_user("evaluator")
    call, application, (a1, a2) = _setup(db, [first, second])
    db.session.add(
        CallEvaluator(call_id=call.id, user_id=third.id, impartiality_signed_at=now_utc())
    )
    db.session.commit()
    _submit(client, post, login_as, first, a1, call, GOOD)  # 90
    _submit(client, post, login_as, second, a2, call, POOR)  # 40: spread 50 > 20
    stage = application.stages[0]
    db.session.refresh(stage)
    assert stage.status is StageStatus.admissible
    extra = db.session.scalar(select(Assignment).where(Assignment.evaluator_id == third.id))
    assert extra.extra and extra.ended_at is None
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == third.email))
    extra.conflict = ConflictStatus.no_conflict
    db.session.commit()
    _submit(client, post, login_as, third, extra, call, FAIR)  # 80: closest to 90
    db.session.refresh(stage)
    assert stage.status is StageStatus.evaluated and stage.final_score == Decimal("85")
    assert (
        db.session.scalar(
            select(Assignment)
            .where(Assignment.stage_id == stage.id)
            .where(Assignment.id.not_in([a1.id, a2.id, extra.id]))
        )
        is None
    )  # once only


def test_extra_evaluator_conflict_brings_a_replacement_and_staff_assign_extra_by_hand(
    db, login_as, client, post
):
    first, second, third = make_user("evaluator"), make_user("evaluator"), make_user("evaluator")
    call, application, (a1, a2) = _setup(db, [first, second])
    _submit(client, post, login_as, first, a1, call, GOOD)
    _submit(client, post, login_as, second, a2, call, POOR)
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "evaluation.no_evaluator_available")
    )
    stage = application.stages[0]
    login_as("staff")
    pool = f"/staff/calls/{call.id}/evaluators"
    db.session.add(
        CallEvaluator(call_id=call.id, user_id=third.id, impartiality_signed_at=now_utc())
    )
    db.session.commit()
    assert (
        post(
            f"/staff/calls/{call.id}/assignments",
            {"stage_id": stage.id, "evaluator_id": third.id},
            page=pool,
        ).status_code
        == 302
    )
    extra = db.session.scalar(select(Assignment).where(Assignment.evaluator_id == third.id))
    assert extra.extra
    fourth = make_user("evaluator")
    db.session.add(
        CallEvaluator(call_id=call.id, user_id=fourth.id, impartiality_signed_at=now_utc())
    )
    db.session.commit()
    login_as(user=third)
    post(
        f"/evaluation/assignments/{extra.id}",
        {"declaration": "conflict", "reason": "I know the partner's mayor."},
    )
    replacement = db.session.scalar(select(Assignment).where(Assignment.evaluator_id == fourth.id))
    assert replacement is not None and replacement.extra


def test_staff_cannot_add_an_evaluator_beyond_the_calls_number_without_discrepancy(
    db, login_as, client, post
):
    first, second, third = (
        make_user("evaluator"),
        make_user("evaluator"),
        make_user("evaluator", name="Tess Third"),
    )
    call, application, _ = _setup(db, [first, second])
    db.session.add(CallEvaluator(call_id=call.id, user_id=third.id))
    db.session.commit()
    login_as("staff")
    response = post(
        f"/staff/calls/{call.id}/assignments",
        {"stage_id": application.stages[0].id, "evaluator_id": third.id},
    )
    assert response.status_code == 400 and "already has its 2 evaluators" in response.get_data(
        as_text=True
    )


def test_applicants_never_see_evaluator_identities(db, login_as, client, post):
    first, second = (
        make_user("evaluator", name="Evelyn Firstscorer"),
        make_user("evaluator", name="Sam Secondscorer"),
    )
    call, application, (a1, a2) = _setup(db, [first, second])
    _submit(client, post, login_as, first, a1, call, GOOD)
    _submit(client, post, login_as, second, a2, call, FAIR)
    lead = make_user("applicant", organisation=application.lead)
    db.session.commit()
    login_as(user=lead)
    for url in (f"/applications/{application.id}", "/applications", "/decisions"):
        page = client.get(url).get_data(as_text=True)
        assert (
            "Firstscorer" not in page and "Secondscorer" not in page and first.email not in page
        ), url


def test_scoring_refused_once_the_application_left_evaluation(db, login_as, client, post):
    evaluator = login_as("evaluator")
    call, application, (assignment,) = _setup(db, [evaluator], per_application=1)
    application.stages[0].status = StageStatus.withdrawn
    db.session.commit()
    response = post(
        f"/evaluation/assignments/{assignment.id}/score", {**_form(call, HIGH), "action": "save"}
    )
    assert response.status_code == 409 and "no longer being evaluated" in response.get_data(
        as_text=True
    )
