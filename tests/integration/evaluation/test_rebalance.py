"""Staff rebalance a call's assignments (issue 12.8): a proposal to confirm; unstarted assignments
move so that the loads differ by at most 1, every rule kept, started ones never; a clear message
when the rules forbid it."""

from __future__ import annotations

import re
import threading
import uuid
from collections import Counter

import pytest
from sqlalchemy import delete, select

from grants.bundle.import_ import delete_call
from grants.evaluation.services import rebalance as service
from grants.extensions import db as _db
from grants.models import (
    Assignment,
    AuditEvent,
    Call,
    CallEvaluator,
    ConflictStatus,
    Organisation,
    OutboxMessage,
    User,
)
from grants.models.base import now_utc
from tests.conftest import service_missing, sign_in
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories.rebalance import lopsided

FINGERPRINT = re.compile(r'name="fingerprint" type="hidden" value="([0-9a-f]+)"')


def loads(db, users) -> list[int]:
    db.session.expire_all()
    counts = Counter(
        db.session.scalars(select(Assignment.evaluator_id).where(Assignment.ended_at.is_(None)))
    )
    return [counts[user.id] for user in users]


def test_staff_see_the_proposal_confirm_it_and_the_loads_differ_by_at_most_one(
    db, login_as, client, post
):
    call, apps, users, made = lopsided(db)
    login_as("staff")
    pool = client.get(f"/staff/calls/{call.id}/evaluators").get_data(as_text=True)
    assert (
        "The evaluators have from 0 to 8 assignments each" in pool and "Rebalance the loads" in pool
    )
    page = client.get(f"/staff/calls/{call.id}/evaluators/rebalance").get_data(as_text=True)
    assert "8 assignments to move" in page and "Confirm: move 8 assignments" in page
    assert "not possible" not in page
    fingerprint = FINGERPRINT.search(page).group(1)

    response = post(
        f"/staff/calls/{call.id}/evaluators/rebalance",
        {"fingerprint": fingerprint},
        page=f"/staff/calls/{call.id}/evaluators/rebalance",
        follow_redirects=True,
    )

    assert (
        "8 assignments were moved: the evaluators now have 3 to 4 assignments each."
        in response.get_data(as_text=True)
    )
    assert sorted(loads(db, users)) == [3, 3, 4, 4, 4] and loads(db, users)[:2] == [4, 4]
    declared, submitted = made[(apps[0].id, users[0].id)], made[(apps[1].id, users[1].id)]
    assert (declared.evaluator_id, submitted.evaluator_id) == (
        users[0].id,
        users[1].id,
    )  # started: never moved
    for app in apps:  # two different evaluators each, as before
        on = list(
            db.session.scalars(
                select(Assignment.evaluator_id).where(Assignment.stage_id == app.stages[0].id)
            )
        )
        assert len(on) == len(set(on)) == 2
    events = Counter(
        db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action.like("evaluation.re%"))
        )
    )
    assert events == {"evaluation.reassign": 8, "evaluation.rebalance": 1}
    summary = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "evaluation.rebalance")
    )
    assert summary.before["loads"][str(users[0].id)] == 8 and summary.after["moves"] == 8
    told = Counter(db.session.scalars(select(OutboxMessage.to)))
    assert told == {user.email: 1 for user in users}  # who received or handed over applications
    assert "nothing to move" in client.get(f"/staff/calls/{call.id}/evaluators/rebalance").get_data(
        as_text=True
    )


def test_a_proposal_made_before_the_assignments_changed_moves_nothing(db, login_as, client, post):
    call, apps, users, made = lopsided(db)
    login_as("staff")
    url = f"/staff/calls/{call.id}/evaluators/rebalance"
    fingerprint = FINGERPRINT.search(client.get(url).get_data(as_text=True)).group(1)
    started = made[(apps[5].id, users[0].id)]  # an evaluator declares on one of those to move
    started.conflict, started.conflict_declared_at = ConflictStatus.no_conflict, now_utc()
    db.session.commit()

    response = post(url, {"fingerprint": fingerprint}, page=url)

    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "nothing was moved. Here is the new proposal." in page
    assert FINGERPRINT.search(page).group(1) != fingerprint and "Confirm: move" in page
    assert loads(db, users) == [8, 8, 1, 1, 0]
    assert post(url, {"fingerprint": ""}, page=url).status_code == 400


def test_an_evaluator_starting_while_the_moves_are_made_keeps_the_assignment(
    app, db, login_as, monkeypatch
):
    call, apps, users, made = lopsided(db)
    staff = login_as("staff")
    proposal = service.propose(call)
    moving = db.session.get(Assignment, proposal.result.moves[-1].slot)  # the others move first
    moving.conflict = (
        ConflictStatus.no_conflict
    )  # after the proposal, before its UPDATE reaches this row
    db.session.commit()
    first = iter([proposal])
    monkeypatch.setattr(service, "propose", lambda call: next(first, None) or real_propose(call))

    with app.test_request_context(), pytest.raises(service.ProposalChanged):
        service.apply(call, staff, proposal.fingerprint)

    db.session.rollback()
    assert loads(db, users) == [8, 8, 1, 1, 0]
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "evaluation.rebalance"))
        is None
    )


real_propose = service.propose


def test_the_best_achievable_is_said_when_the_rules_forbid_a_perfect_balance(
    db, login_as, client, post
):
    lead = make_org("TR")
    call = make_call(status="evaluation", evaluators_per_application=1)
    apps = [make_application(call, lead=lead, status="admissible") for _ in range(4)]
    busy, free, own = (
        make_user("evaluator", name="Busy Assessor"),
        make_user("evaluator", name="Free Assessor"),
        make_user("evaluator", name="Lead's Assessor", organisation=lead),
    )
    for user in (busy, free, own):
        db.session.add(CallEvaluator(call_id=call.id, user_id=user.id))
    for n, app in enumerate(apps):  # the busy one declared on two of its four
        declared = ConflictStatus.no_conflict if n < 2 else ConflictStatus.undeclared
        db.session.add(Assignment(stage=app.stages[0], evaluator=busy, conflict=declared))
    db.session.commit()
    login_as("staff")
    url = f"/staff/calls/{call.id}/evaluators/rebalance"
    page = client.get(url).get_data(as_text=True)
    assert (
        "A perfect balance (loads differing by at most 1) is not possible under the rules." in page
    )
    assert "The best achievable is 0 to 2 assignments per evaluator (today: 0 to 4)." in page
    post(url, {"fingerprint": FINGERPRINT.search(page).group(1)}, page=url)
    assert loads(db, [busy, free, own]) == [
        2,
        2,
        0,
    ]  # never an evaluator of the lead's organisation


def test_nothing_to_move_when_the_loads_are_even(db, login_as, client, post):
    call = make_call(status="evaluation", evaluators_per_application=1)
    apps = [make_application(call, status="admissible") for _ in range(2)]
    users = [make_user("evaluator") for _ in range(2)]
    for app, user in zip(apps, users, strict=True):
        db.session.add(CallEvaluator(call_id=call.id, user_id=user.id))
        db.session.add(Assignment(stage=app.stages[0], evaluator=user))
    db.session.commit()
    login_as("staff")
    url = f"/staff/calls/{call.id}/evaluators/rebalance"
    page = client.get(url).get_data(as_text=True)
    assert (
        "The loads already differ by at most 1: there is nothing to move." in page
        and "Confirm" not in page
    )
    response = post(
        url, {"fingerprint": service.propose(call).fingerprint}, page=url, follow_redirects=True
    )
    assert "No assignment can be moved" in response.get_data(as_text=True)


def test_a_moved_assignment_is_no_longer_the_first_evaluators(db, login_as, client, post):
    call, apps, users, made = lopsided(db)
    login_as("staff")
    url = f"/staff/calls/{call.id}/evaluators/rebalance"
    post(url, {"fingerprint": service.propose(call).fingerprint}, page=url)
    db.session.expire_all()
    moved = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "evaluation.reassign",
            AuditEvent.before["evaluator_id"].as_integer() == users[0].id,
        )
    )
    client.get("/auth/logout")
    sign_in(client, users[0])
    db.session.get(
        CallEvaluator,
        db.session.scalar(select(CallEvaluator.id).where(CallEvaluator.user_id == users[0].id)),
    ).impartiality_signed_at = now_utc()
    db.session.commit()
    assert client.get(f"/evaluation/assignments/{moved.object_id}").status_code == 404


@pytest.mark.postgres
def test_a_declaration_and_a_rebalance_at_the_same_moment_on_postgresql(app):
    """Either the declaration comes first (the rebalance moves nothing) or the move (the declaration
    is refused): never a declared assignment moved to another evaluator."""
    with app.app_context():
        if _db.engine.dialect.name != "postgresql":
            service_missing("PostgreSQL (DATABASE_URL)")
        started = now_utc()
        call, apps, users, made = lopsided(_db, started=False)
        call.reference = f"RACE-RB-{uuid.uuid4().hex[:6].upper()}"
        staff = make_user("staff")
        for member in _db.session.scalars(
            select(CallEvaluator).where(CallEvaluator.call_id == call.id)
        ):
            member.impartiality_signed_at = now_utc()
        _db.session.commit()
        proposal = service.propose(call)
        target = next(m for m in proposal.result.moves if m.source == users[0].id)
        ids = {
            "call": call.id,
            "staff": staff.id,
            "evaluator": users[0].id,
            "assignment": target.slot,
            "users": [staff.id, *(u.id for u in users)],
            "orgs": [
                o for a in apps for o in (a.lead_id, *(p.organisation_id for p in a.partners))
            ],
            "emails": [u.email for u in users],
        }
        fingerprint = proposal.fingerprint
        _db.session.remove()
    barrier, answers = threading.Barrier(2, timeout=30), {}
    csrf = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

    def send(who: str, url: str, data: dict) -> None:
        with app.app_context():
            client = app.test_client()
            sign_in(client, _db.session.get(User, ids[who]))
            token = csrf.search(client.get(url).get_data(as_text=True)).group(1)
            barrier.wait()
            answers[who] = client.post(url, data={**data, "csrf_token": token}).status_code
            _db.session.remove()

    threads = [
        threading.Thread(
            target=send,
            args=(
                "staff",
                f"/staff/calls/{ids['call']}/evaluators/rebalance",
                {"fingerprint": fingerprint},
            ),
        ),
        threading.Thread(
            target=send,
            args=(
                "evaluator",
                f"/evaluation/assignments/{ids['assignment']}",
                {"declaration": "no_conflict"},
            ),
        ),
    ]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        with app.app_context():
            assignment = _db.session.get(Assignment, ids["assignment"])
            if answers["staff"] == 302:  # the rebalance came first: the declaration was refused
                assert answers["evaluator"] == 404, answers
                assert (
                    assignment.evaluator_id != ids["evaluator"]
                    and assignment.conflict is ConflictStatus.undeclared
                )
            else:  # the declaration came first: nothing moved
                assert (answers["staff"], answers["evaluator"]) == (409, 302), answers
                assert assignment.evaluator_id == ids["evaluator"]
                assert assignment.conflict is ConflictStatus.no_conflict
    finally:
        with app.app_context():
            delete_call(_db.session.get(Call, ids["call"]))
            _db.session.execute(delete(AuditEvent).where(AuditEvent.at >= started))
            _db.session.execute(delete(OutboxMessage).where(OutboxMessage.to.in_(ids["emails"])))
            _db.session.execute(delete(User).where(User.id.in_(ids["users"])))
            _db.session.execute(delete(Organisation).where(Organisation.id.in_(ids["orgs"])))
            _db.session.commit()
