"""An autosave and "Submit and lock" of one evaluation at the same moment, or two first saves (issue
12.3): never a server error; the evaluation ends submitted once, the save that lost is answered
cleanly."""

from __future__ import annotations

import re
import threading
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from grants.evaluation.services import scoring
from grants.extensions import db as _db
from grants.models import AuditEvent, Evaluation, User
from grants.models.base import now_utc
from tests.conftest import sign_in
from tests.factories import make_user
from tests.factories.evaluation import HIGH, _form, _setup
from tests.factories.races import at_once, remove_made, require_postgresql

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def test_a_save_that_met_a_first_insert_is_done_again_over_it(
    db, login_as, client, post, monkeypatch
):
    """SQLite lets both saves read 'no evaluation yet': the second one's insert fails; it is
    retried."""
    evaluator = login_as("evaluator")
    call, _, (assignment,) = _setup(db, [evaluator], per_application=1)
    real, calls = scoring.save_draft, []

    def first_insert_lost(*args):
        calls.append(args)
        if len(calls) == 1:
            raise IntegrityError(
                "INSERT INTO evaluation", {}, Exception("UNIQUE constraint failed")
            )
        return real(*args)

    monkeypatch.setattr(scoring, "save_draft", first_insert_lost)
    response = post(
        f"/evaluation/assignments/{assignment.id}/score",
        {**_form(call, HIGH), "action": "autosave"},
        headers={"HX-Request": "true"},
    )
    assert (
        response.status_code == 200
        and "Draft saved" in response.get_data(as_text=True)
        and len(calls) == 2
    )
    assert db.session.scalar(select(func.count(Evaluation.id))) == 1


def test_an_autosave_after_submit_and_lock_says_so_in_its_panel_only(db, login_as, client, post):
    """The autosave of the last change can reach the server after "Submit and lock" of the same
    page: its answer says in the panel that the change was not saved, and neither redirects nor
    leaves a message that would overtake the page the submit leads to."""
    evaluator = login_as("evaluator")
    call, _, (assignment,) = _setup(db, [evaluator], per_application=1)
    url = f"/evaluation/assignments/{assignment.id}/score"
    submitted = post(url, {**_form(call, HIGH), "action": "submit"})
    assert submitted.status_code == 302
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', post.last_page).group(1)
    response = client.post(  # straight after the submit, as the browser's request in flight
        url,
        data={**_form(call, HIGH), "action": "autosave", "csrf_token": token},
        headers={"HX-Request": "true"},
    )
    panel = response.get_data(as_text=True)
    assert response.status_code == 200 and "HX-Redirect" not in response.headers
    assert "submitted and is locked" in panel and "was not saved" in panel
    landing = client.get(submitted.headers["Location"]).get_data(as_text=True)
    assert "was submitted" in landing and "submitted and is locked" not in landing


@pytest.mark.postgres
@pytest.mark.parametrize("first", ["autosave", "save"])
def test_autosave_and_submit_at_the_same_moment_on_postgresql(app, first):
    with app.app_context():
        require_postgresql()
        started = now_utc()
        evaluator = make_user("evaluator")
        _db.session.commit()
        call, application, (assignment,) = _setup(_db, [evaluator], per_application=1)
        call.reference = f"RACE-SC-{uuid.uuid4().hex[:6].upper()}"
        _db.session.commit()
        form, url = _form(call, HIGH), f"/evaluation/assignments/{assignment.id}/score"
        ids = {
            "call": call.id,
            "user": evaluator.id,
            "assignment": assignment.id,
            "orgs": [application.lead_id, *(p.organisation_id for p in application.partners)],
        }
        _db.session.remove()
    barrier = threading.Barrier(2, timeout=30)

    def send(action: str):
        def task() -> int:
            client = app.test_client()
            sign_in(client, _db.session.get(User, ids["user"]))
            token = CSRF.search(client.get(url).get_data(as_text=True)).group(1)
            headers = {"HX-Request": "true"} if action == "autosave" else {}
            barrier.wait()
            return client.post(
                url, data={**form, "action": action, "csrf_token": token}, headers=headers
            ).status_code

        return task

    try:
        answers, errors = at_once(app, [send(first), send("submit")])
        assert not errors
        with app.app_context():
            assert 500 not in answers and len(answers) == 2, answers
            evaluation = _db.session.scalar(
                select(Evaluation).where(Evaluation.assignment_id == ids["assignment"])
            )
            assert evaluation.submitted_at is not None
            assert (
                _db.session.scalar(
                    select(func.count(AuditEvent.id)).where(
                        AuditEvent.action == "evaluation.submitted", AuditEvent.at >= started
                    )
                )
                == 1
            )
    finally:
        remove_made(
            app, started, calls=[ids["call"]], users=[ids["user"]], organisations=ids["orgs"]
        )
