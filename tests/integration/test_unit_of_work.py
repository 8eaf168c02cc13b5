"""The request boundary (grants/unit_of_work.py): a changing request is committed after its route
and its deferred jobs sent then; a refusal, an error answer or an exception rolls back; a GET never
writes.

An app of its own (SQLite in memory, whatever DATABASE_URL says), so that test routes can be added
to it."""

from __future__ import annotations

import pytest
from flask import flash, request
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.pool import StaticPool
from wtforms import StringField

from config import TestConfig
from grants import create_app, jobs
from grants.extensions import db
from grants.models import AuditEvent
from grants.rules.problems import N_, Refused
from grants.unit_of_work import GetWrote, keep_writes, refusals, when_queue_unreachable

SENT: list[str] = []


class _Config(TestConfig):
    SQLALCHEMY_DATABASE_URI = "sqlite://"
    SQLALCHEMY_ENGINE_OPTIONS = {
        "poolclass": StaticPool,
        "connect_args": {"check_same_thread": False},
    }
    WTF_CSRF_ENABLED = False


class NameForm(FlaskForm):
    name = StringField("Name")


def _event(action: str) -> None:
    db.session.add(AuditEvent(action=action, object_type="Test"))
    db.session.flush()


def _send(text: str) -> None:
    SENT.append(text)


@pytest.fixture(scope="module")
def app():
    app = create_app(_Config)

    @app.post("/t/ok")
    def ok():
        _event("kept")
        jobs.defer(_send, "after commit")
        return "ok"

    @app.post("/t/form")
    def with_form():
        form = NameForm()
        with refusals(form) as outcome:
            _event("refused")
            raise Refused(N_("Not this name: %(name)s."), field="name", name=request.form["name"])
        return f"ok={outcome.ok} field={form.name.errors} form={form.form_errors}"

    @app.post("/t/escape")
    def escape():
        _event("escaped")
        raise Refused(N_("No, because %(why)s."), why="a rule says so")

    @app.post("/t/error-answer")
    def error_answer():
        _event("not kept")
        return "bad", 400

    @app.post("/t/partial")
    def partial():
        _event("valid part")
        keep_writes()
        return "some fields refused", 400

    @app.post("/t/crash")
    def crash():
        _event("crashed")
        raise RuntimeError("boom")

    @app.get("/t/get-writes")
    def get_writes():
        _event("read")
        return "read"

    @app.get("/t/get-commits")
    def get_commits():
        _event("read")
        db.session.commit()
        return "read"

    @app.post("/t/queue-down")
    def queue_down():
        _event("kept")
        jobs.defer(_send, "lost")
        when_queue_unreachable("The queue is down; kept.")
        flash("Done.")
        return "ok"

    with app.app_context():
        db.create_all()
    yield app


@pytest.fixture
def client(app):
    SENT.clear()
    with app.app_context():
        db.session.execute(AuditEvent.__table__.delete())
        db.session.commit()
    return app.test_client()


def _actions(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_changing_request_is_committed_after_the_route_and_then_sends_its_jobs(app, client):
    assert client.post("/t/ok").status_code == 200
    assert _actions(app) == ["kept"]
    assert SENT == ["after commit"]


def test_a_refusal_on_a_form_rolls_back_and_lands_on_the_field_it_names(app, client):
    answer = client.post("/t/form", data={"name": "Ankara"}).get_data(as_text=True)
    assert answer == "ok=False field=['Not this name: Ankara.'] form=[]"
    assert _actions(app) == []


def test_a_refusal_that_escapes_the_route_is_rolled_back_shown_and_sends_the_user_back(app, client):
    answer = client.post("/t/escape", headers={"Referer": "http://localhost/staff/calls?page=2"})
    assert (answer.status_code, answer.headers["Location"]) == (302, "/staff/calls?page=2")
    assert _actions(app) == []
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", "No, because a rule says so.")]


def test_a_refusal_from_another_site_is_answered_here_not_sent_there(app, client):
    answer = client.post("/t/escape", headers={"Referer": "https://evil.example/phish"})
    assert answer.status_code == 409
    assert "No, because a rule says so." in answer.get_data(as_text=True)
    assert _actions(app) == []


def test_an_error_answer_or_an_exception_rolls_back(app, client):
    assert client.post("/t/error-answer").status_code == 400
    app.testing, propagate = False, app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        assert client.post("/t/crash").status_code == 500
    finally:
        app.testing, app.config["PROPAGATE_EXCEPTIONS"] = True, propagate
    assert _actions(app) == []
    assert SENT == []


def test_a_partial_save_keeps_its_valid_part_while_answering_400(app, client):
    assert client.post("/t/partial").status_code == 400
    assert _actions(app) == ["valid part"]


def test_a_get_that_writes_is_rolled_back_and_under_tests_an_error(app, client):
    with pytest.raises(GetWrote):
        client.get("/t/get-writes")
    assert _actions(app) == []


def test_a_get_that_commits_is_caught_too(app, client):
    """What it committed cannot be undone, but a test sees it (and production logs it as an
    error)."""
    with pytest.raises(GetWrote):
        client.get("/t/get-commits")


def test_jobs_that_cannot_be_queued_keep_the_work_and_say_so(app, client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise jobs.QueueUnavailable("down")

    monkeypatch.setattr(jobs, "enqueue", unreachable)
    assert client.post("/t/queue-down").status_code == 200
    assert _actions(app) == ["kept"]
    with client.session_transaction() as session:
        assert [text for _kind, text in session["_flashes"]] == [
            "Done.",
            "The queue is down; kept.",
        ]
