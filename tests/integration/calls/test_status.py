"""Status changes: draft -> published -> evaluation -> decided -> closed, each audited; others
refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.models import AuditEvent, CallStatus, Stage
from tests.factories import make_call


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def move(post, call, target: str):
    return post(
        f"/staff/calls/{call.id}/status",
        {"status": target},
        page=f"/staff/calls/{call.id}",
        follow_redirects=True,
    )


def test_publish_a_complete_draft(client, staff, post, db):
    call = make_call(status="draft", opens_in=timedelta(days=1))
    db.session.commit()
    page = move(post, call, "published")
    assert page.status_code == 200 and "The call is now: Published." in page.get_data(as_text=True)
    db.session.expire_all()
    assert call.status is CallStatus.published and call.published_at is not None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "call.status_changed"))
    assert (event.before, event.after, event.user_id) == (
        {"status": "draft"},
        {"status": "published"},
        staff.id,
    )


def test_publishing_a_call_whose_deadline_has_passed_is_refused(client, staff, post, db):
    call = make_call(status="draft", opens_in=timedelta(days=-10), deadline_in=timedelta(hours=-1))
    db.session.commit()
    page = move(post, call, "published").get_data(as_text=True)
    assert "Full-application deadline: This deadline has passed" in page
    db.session.expire_all()
    assert call.status is CallStatus.draft


def test_publishing_a_restricted_call_needs_its_concept_note_grid(client, staff, post, db):
    call = make_call(status="draft", procedure="restricted")
    call.grids.remove(call.grid_for(Stage.concept_note))
    db.session.commit()
    page = move(post, call, "published").get_data(as_text=True)
    assert "A restricted call needs a concept-note evaluation grid." in page
    db.session.expire_all()
    assert call.status is CallStatus.draft


@pytest.mark.parametrize(
    "status, target",
    [
        ("draft", "closed"),
        ("draft", "evaluation"),
        ("published", "draft"),
        ("closed", "published"),
        ("draft", "no-such-status"),
    ],
)
def test_illegal_moves_are_refused_with_a_message(client, staff, post, db, status, target):
    call = make_call(status=status)
    db.session.commit()
    response = move(post, call, target)
    assert response.status_code == 200
    assert "A call cannot go from" in response.get_data(as_text=True)
    db.session.expire_all()
    assert call.status.value == status
    assert db.session.scalar(select(AuditEvent)) is None


def test_evaluation_waits_for_the_deadline(client, staff, post, db):
    call = make_call(status="published")
    db.session.commit()
    assert "the call can go to evaluation only after that" in move(
        post, call, "evaluation"
    ).get_data(as_text=True)
    db.session.expire_all()
    assert call.status is CallStatus.published


def test_the_whole_way_to_closed(client, staff, post, db):
    call = make_call(
        status="published", opens_in=timedelta(days=-40), deadline_in=timedelta(days=-1)
    )
    db.session.commit()
    for target in ("evaluation", "decided", "closed"):
        move(post, call, target)
        db.session.expire_all()
        assert call.status.value == target
    assert (
        len(
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "call.status_changed")
            ).all()
        )
        == 3
    )


def test_call_page_offers_only_the_next_status(client, staff, db):
    call = make_call(status="draft")
    db.session.commit()
    page = client.get(f"/staff/calls/{call.id}").get_data(as_text=True)
    assert 'value="published"' in page and 'value="closed"' not in page
