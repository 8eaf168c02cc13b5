"""Staff: a call's evaluator pool, automatic and manual assignment (docs/domain.md 4)."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from grants.models import Assignment, AuditEvent, CallEvaluator, ConflictStatus, OutboxMessage
from grants.models.base import now_utc
from tests.conftest import _CSRF, count_queries
from tests.factories import make_application, make_call, make_org, make_user


def _setup(db, evaluators=3, applications=2, per=2):
    call = make_call(status="evaluation", evaluators_per_application=per)
    apps = [make_application(call, status="admissible") for _ in range(applications)]
    users = [make_user("evaluator") for _ in range(evaluators)]
    for user in users:
        db.session.add(CallEvaluator(call_id=call.id, user_id=user.id))
    db.session.commit()
    return call, apps, users


def _active(db, stage_id):
    return set(
        db.session.scalars(
            select(Assignment.evaluator_id).where(
                Assignment.stage_id == stage_id, Assignment.ended_at.is_(None)
            )
        )
    )


def test_pool_page_lists_evaluators_and_adds_one(db, login_as, client, post):
    call, _, users = _setup(db)
    login_as("staff")
    newcomer = make_user("evaluator", name="Nadia Newcomer")
    make_user("applicant", name="Ali Applicant")
    db.session.commit()
    page = client.get(f"/staff/calls/{call.id}/evaluators").get_data(as_text=True)
    assert users[0].name in page and "Not signed yet" in page
    assert "Nadia Newcomer" in page and "Ali Applicant" not in page
    response = post(
        f"/staff/calls/{call.id}/evaluators/add",
        {"user_id": newcomer.id},
        page=f"/staff/calls/{call.id}/evaluators",
    )
    assert response.status_code == 302
    assert db.session.scalar(select(CallEvaluator).where(CallEvaluator.user_id == newcomer.id))
    response = post(
        f"/staff/calls/{call.id}/evaluators/add",
        {"user_id": ""},
        page=f"/staff/calls/{call.id}/evaluators",
    )
    assert response.status_code == 400 and "Choose an evaluator." in response.get_data(as_text=True)


def test_evaluators_are_listed_in_natural_name_order(db, login_as, client):
    """'Assessor 2' before 'Assessor 10' in the pool and in the list of evaluators to add (issue
    12.9)."""
    call = make_call(status="evaluation")
    for n in (10, 2, 1, 11):
        db.session.add(
            CallEvaluator(call_id=call.id, user_id=make_user("evaluator", name=f"Assessor {n}").id)
        )
    for n in (12, 3):
        make_user("evaluator", name=f"Assessor {n}")
    db.session.commit()
    login_as("staff")
    page = client.get(f"/staff/calls/{call.id}/evaluators").get_data(as_text=True)
    pool = page[: page.index('name="user_id"')]
    positions = [pool.index(f"Assessor {n}<") for n in (1, 2, 10, 11)]
    assert positions == sorted(positions)
    choices = page[page.index('name="user_id"') :]
    assert choices.index("Assessor 3 (") < choices.index("Assessor 12 (")


def test_the_evaluation_reports_committee_is_in_natural_name_order(db, app):
    from grants.exports.evaluation_report import committee

    call = make_call(status="evaluation")
    for n in (10, 2, 1):
        db.session.add(
            CallEvaluator(call_id=call.id, user_id=make_user("evaluator", name=f"Assessor {n}").id)
        )
    db.session.commit()
    with app.test_request_context():
        assert [m.name for m in committee(call)] == ["Assessor 1", "Assessor 2", "Assessor 10"]


def test_remove_only_without_assignments(db, login_as, client, post):
    call, apps, users = _setup(db)
    staff = login_as("staff")
    db.session.add(
        Assignment(stage_id=apps[0].stages[0].id, evaluator_id=users[0].id, assigned_by_id=staff.id)
    )
    db.session.commit()
    members = {m.user_id: m.id for m in db.session.scalars(select(CallEvaluator))}
    page = f"/staff/calls/{call.id}/evaluators"
    response = post(f"{page}/{members[users[0].id]}/remove", page=page, follow_redirects=True)
    assert "has assignments in this call" in response.get_data(as_text=True)
    post(f"{page}/{members[users[1].id]}/remove", page=page)
    assert set(members) - set(db.session.scalars(select(CallEvaluator.user_id))) == {users[1].id}


def test_auto_assign_balances_audits_and_mails(db, login_as, post):
    call, apps, users = _setup(db, evaluators=3, applications=3, per=2)
    login_as("staff")
    page = f"/staff/calls/{call.id}/evaluators"
    response = post(f"{page}/assign", page=page, follow_redirects=True)
    assert "6 new assignments were made." in response.get_data(as_text=True)
    for app in apps:
        assert len(_active(db, app.stages[0].id)) == 2
    counts = Counter(db.session.scalars(select(Assignment.evaluator_id)))
    assert sorted(counts.values()) == [2, 2, 2]
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "evaluation.auto_assign")
    )
    assert event.after["assignments"] == 6
    mails = list(db.session.scalars(select(OutboxMessage.to)))
    assert sorted(mails) == sorted(u.email for u in users)
    post(f"{page}/assign", page=page)  # nothing left to do
    assert db.session.query(Assignment).count() == 6


def test_own_organisation_never_assigned_automatically(db, login_as, post):
    call, apps, users = _setup(db, evaluators=2, applications=1, per=2)
    users[0].organisation = apps[0].lead
    users[1].organisation = apps[0].partners[0].organisation
    spare = make_user("evaluator", organisation=make_org())
    db.session.add(CallEvaluator(call_id=call.id, user_id=spare.id))
    db.session.commit()
    login_as("staff")
    page = f"/staff/calls/{call.id}/evaluators"
    response = post(f"{page}/assign", page=page, follow_redirects=True).get_data(as_text=True)
    assert _active(db, apps[0].stages[0].id) == {spare.id}
    assert f"Not enough eligible evaluators for: {apps[0].reference}" in response
    assert "needs another evaluator" in response


@pytest.mark.parametrize("case", ["own", "conflict", "duplicate"])
def test_manual_assignment_refusals(db, login_as, post, case):
    call, apps, users = _setup(db, evaluators=1, applications=1)
    stage = apps[0].stages[0]
    if case == "own":
        users[0].organisation = apps[0].lead
    else:
        db.session.add(
            Assignment(
                stage_id=stage.id,
                evaluator_id=users[0].id,
                conflict=ConflictStatus.conflict
                if case == "conflict"
                else ConflictStatus.undeclared,
                ended_at=now_utc() if case == "conflict" else None,
            )
        )
    db.session.commit()
    login_as("staff")
    page = f"/staff/calls/{call.id}/evaluators"
    response = post(
        f"/staff/calls/{call.id}/assignments",
        {"stage_id": stage.id, "evaluator_id": users[0].id},
        page=page,
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    message = {
        "own": "belongs to an organisation of",
        "conflict": "declared a conflict of interest with",
        "duplicate": "is already assigned to",
    }[case]
    assert message in text
    assert db.session.query(Assignment).count() == (0 if case == "own" else 1)


def test_manual_assign_and_remove(db, login_as, post):
    call, apps, users = _setup(db, evaluators=1, applications=1)
    stage = apps[0].stages[0]
    login_as("staff")
    page = f"/staff/calls/{call.id}/evaluators"
    response = post(
        f"/staff/calls/{call.id}/assignments",
        {"stage_id": stage.id, "evaluator_id": users[0].id},
        page=page,
    )
    assert response.status_code == 302 and _active(db, stage.id) == {users[0].id}
    assignment = db.session.scalar(select(Assignment))
    post(f"/staff/calls/{call.id}/assignments/{assignment.id}/remove", page=page)
    assert db.session.query(Assignment).count() == 0


def test_remove_refused_once_evaluation_submitted(db, login_as, post):
    from grants.models import Evaluation

    call, apps, users = _setup(db, evaluators=1, applications=1)
    assignment = Assignment(
        stage_id=apps[0].stages[0].id, evaluator_id=users[0].id, conflict=ConflictStatus.no_conflict
    )
    assignment.evaluation = Evaluation(submitted_at=now_utc())
    db.session.add(assignment)
    db.session.commit()
    login_as("staff")
    page = f"/staff/calls/{call.id}/evaluators"
    response = post(
        f"/staff/calls/{call.id}/assignments/{assignment.id}/remove",
        page=page,
        follow_redirects=True,
    )
    assert "The evaluation was submitted" in response.get_data(as_text=True)
    assert db.session.query(Assignment).count() == 1


@pytest.mark.parametrize("role", ["applicant", "evaluator"])
def test_staff_pages_refused_to_others(db, login_as, client, post, role):
    call, _, _ = _setup(db, evaluators=0, applications=1)
    login_as(role)
    assert client.get(f"/staff/calls/{call.id}/evaluators").status_code == 403
    assert post(f"/staff/calls/{call.id}/evaluators/assign", page="/").status_code == 403
    assert db.session.query(Assignment).count() == 0


def _queries(db, client, post, n):
    call, _, _ = _setup(db, evaluators=4, applications=n, per=2)
    page = f"/staff/calls/{call.id}/evaluators"
    post(f"{page}/assign", page=page)
    with count_queries(db.engine) as shown:
        assert client.get(page).status_code == 200
    return len(shown)


def test_pool_page_queries_do_not_grow(db, client, login_as, post):
    login_as("staff")
    assert _queries(db, client, post, 5) == _queries(db, client, post, 30)


def test_auto_assign_queries_do_not_grow(db, client, login_as):
    login_as("staff")
    counts = []
    for n in (5, 30):
        call, _, _ = _setup(db, evaluators=4, applications=n, per=2)
        page = f"/staff/calls/{call.id}/evaluators"
        token = _CSRF.search(client.get(page).get_data(as_text=True)).group(1)
        with count_queries(db.engine) as sent:
            response = client.post(f"{page}/assign", data={"csrf_token": token})
        assert response.status_code == 302
        counts.append(len(sent))
    assert counts[0] == counts[1]
