"""Evaluators: declaration of impartiality, conflict declarations, reading their own
applications."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants import files
from grants.models import (
    Assignment,
    Attachment,
    AttachmentKind,
    AuditEvent,
    CallEvaluator,
    ConflictStatus,
    OutboxMessage,
)
from grants.models.base import now_utc
from tests.factories import make_application, make_call, make_user


def _setup(db, evaluator, signed=True, title="Green twin towns"):
    call = make_call(status="evaluation", evaluators_per_application=1)
    application = make_application(call, status="admissible", title=title)
    db.session.add(
        CallEvaluator(
            call_id=call.id,
            user_id=evaluator.id,
            impartiality_signed_at=now_utc() if signed else None,
        )
    )
    assignment = Assignment(stage_id=application.stages[0].id, evaluator_id=evaluator.id)
    db.session.add(assignment)
    db.session.commit()
    return call, application, assignment


def test_declaration_required_before_anything(db, login_as, client, post):
    evaluator = login_as("evaluator")
    call, _, assignment = _setup(db, evaluator, signed=False)
    declaration = f"/evaluation/calls/{call.id}/declaration"
    assert client.get(f"/evaluation/calls/{call.id}").headers["Location"].endswith(declaration)
    assert (
        client.get(f"/evaluation/assignments/{assignment.id}")
        .headers["Location"]
        .endswith(declaration)
    )
    response = post(declaration, {})
    assert (
        response.status_code == 200
        and "Tick the box to sign the declaration." in response.get_data(as_text=True)
    )
    assert post(declaration, {"accept": "y"}).status_code == 302
    member = db.session.scalar(select(CallEvaluator))
    assert member.impartiality_signed_at is not None
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "evaluation.impartiality_signed")
    )
    assert "Green twin towns" in client.get(f"/evaluation/calls/{call.id}").get_data(as_text=True)


def test_home_lists_only_my_calls(db, login_as, client):
    evaluator = login_as("evaluator")
    mine, _, _ = _setup(db, evaluator)
    other, _, _ = _setup(db, make_user("evaluator"))
    page = client.get("/evaluation").get_data(as_text=True)
    assert mine.reference in page and other.reference not in page
    assert client.get(f"/evaluation/calls/{other.id}").status_code == 404


def test_no_conflict_opens_the_application_read_only(db, login_as, client, post):
    evaluator = login_as("evaluator")
    _, application, assignment = _setup(db, evaluator)
    url = f"/evaluation/assignments/{assignment.id}"
    page = client.get(url).get_data(as_text=True)
    assert "declare whether you have a conflict of interest" in page
    assert application.summary not in page
    assert post(url, {"declaration": "no_conflict"}).status_code == 302
    page = client.get(url).get_data(as_text=True)
    for text in (
        application.summary,
        application.objectives,
        application.activities,
        application.acronym,
        application.lead.name,
        application.partners[0].organisation.name,
        "107,000.00",
    ):
        assert text in page
    assert "<input" not in page.split("</nav>")[1].replace('name="csrf_token"', "")
    assert db.session.get(Assignment, assignment.id).conflict is ConflictStatus.no_conflict


def test_conflict_ends_assignment_and_reassigns_at_once(db, login_as, client, post):
    evaluator = login_as("evaluator")
    call, application, assignment = _setup(db, evaluator)
    other = make_user("evaluator", name="Olga Other")
    db.session.add(CallEvaluator(call_id=call.id, user_id=other.id))
    db.session.commit()
    url = f"/evaluation/assignments/{assignment.id}"
    refused = post(url, {"declaration": "conflict", "reason": "  "})
    assert (
        refused.status_code == 200
        and "Say what links you to the lead applicant or a partner."
        in refused.get_data(as_text=True)
    )
    assert db.session.get(Assignment, assignment.id).conflict is ConflictStatus.undeclared
    assert (
        post(
            url, {"declaration": "conflict", "reason": "My sister is the mayor's adviser."}
        ).status_code
        == 302
    )
    ended = db.session.get(Assignment, assignment.id)
    assert ended.conflict is ConflictStatus.conflict and ended.ended_at is not None
    assert ended.conflict_reason == "My sister is the mayor's adviser."
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "evaluation.conflict_declared")
    )
    assert client.get(url).status_code == 404
    assert application.title not in client.get(f"/evaluation/calls/{call.id}").get_data(
        as_text=True
    )
    replacement = db.session.scalar(select(Assignment).where(Assignment.ended_at.is_(None)))
    assert replacement.evaluator_id == other.id and not replacement.extra
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == other.email))


def test_conflict_without_anyone_left_waits_for_staff(db, login_as, client, post):
    evaluator = login_as("evaluator")
    call, application, assignment = _setup(db, evaluator)
    assert (
        post(
            f"/evaluation/assignments/{assignment.id}",
            {"declaration": "conflict", "reason": "I worked for the lead until May."},
        ).status_code
        == 302
    )
    assert db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "evaluation.no_evaluator_available")
    )
    login_as("staff")
    pool = f"/staff/calls/{call.id}/evaluators"
    page = client.get(pool).get_data(as_text=True)
    assert "needs another evaluator" in page and application.reference in page
    other = make_user("evaluator", name="Olga Other")
    db.session.add(CallEvaluator(call_id=call.id, user_id=other.id))
    db.session.commit()
    post(f"{pool}/assign", page=pool)
    active = set(
        db.session.scalars(select(Assignment.evaluator_id).where(Assignment.ended_at.is_(None)))
    )
    assert active == {other.id}
    assert "needs another evaluator" not in client.get(pool).get_data(as_text=True)


def test_another_evaluators_assignment_is_404_and_names_hidden(db, login_as, client):
    evaluator = login_as("evaluator")
    call, application, _ = _setup(db, evaluator)
    colleague = make_user("evaluator", name="Carla Colleague")
    db.session.add(
        CallEvaluator(call_id=call.id, user_id=colleague.id, impartiality_signed_at=now_utc())
    )
    theirs = Assignment(stage_id=application.stages[0].id, evaluator_id=colleague.id)
    db.session.add(theirs)
    db.session.commit()
    assert client.get(f"/evaluation/assignments/{theirs.id}").status_code == 404
    assert "Carla Colleague" not in client.get(f"/evaluation/calls/{call.id}").get_data(
        as_text=True
    )


@pytest.mark.parametrize("role", ["applicant", "staff"])
def test_evaluator_pages_refused_to_others(db, login_as, client, role):
    call, _, assignment = _setup(db, make_user("evaluator"))
    login_as(role)
    for url in (
        "/evaluation",
        f"/evaluation/calls/{call.id}",
        f"/evaluation/calls/{call.id}/declaration",
        f"/evaluation/assignments/{assignment.id}",
    ):
        assert client.get(url).status_code == 403, url


def test_evaluators_see_what_they_score_attachments_included(
    db, login_as, client, post, tmp_path, monkeypatch, app
):
    """Issue 12.4: budget lines, partner roles and shares, duration, theme, lot and the attachments,
    whose download is allowed to the assigned evaluator once no conflict is declared, and to no
    other evaluator."""
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))
    evaluator = login_as("evaluator")
    _, application, assignment = _setup(db, evaluator)
    application.attachments.append(
        Attachment(
            kind=AttachmentKind.declaration,
            original_name="declaration.pdf",
            stored_name=files.save(b"%PDF-1.4\n%%EOF\n"),
            content_type="application/pdf",
            size=15,
        )
    )
    db.session.commit()
    attachment = application.attachments[0]
    assert client.get(f"/attachments/{attachment.id}").status_code == 404  # no declaration yet
    url = f"/evaluation/assignments/{assignment.id}"
    post(url, {"declaration": "no_conflict"})
    page = client.get(url).get_data(as_text=True)
    for text in (
        "Project staff",
        "Study visits",
        "€60,000.00",
        "Hosts the study visits",
        "24 months",
        "environment",
        "60%",
        "40%",
        f'href="/attachments/{attachment.id}"',
    ):
        assert text in page, text
    assert client.get(f"/attachments/{attachment.id}").status_code == 200
    login_as("evaluator")  # another evaluator of the platform
    assert client.get(f"/attachments/{attachment.id}").status_code == 404
