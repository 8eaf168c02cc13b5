"""The reminder days are call settings (docs/domain.md 8): shown, stored, checked."""

from __future__ import annotations

from sqlalchemy import select

from grants.models import Call
from tests.factories.calls import form_data

NEW = "/staff/calls/new"


def test_the_reminder_days_are_stored_with_the_call(client, login_as, post, db):
    login_as("staff")
    page = client.get(NEW).get_data(as_text=True)
    assert 'name="draft_reminder_first_days"' in page and 'name="evaluation_reminder_days"' in page
    days = {
        "draft_reminder_first_days": "10",
        "draft_reminder_last_days": "2",
        "evaluation_reminder_days": "4",
    }
    assert post(NEW, form_data(**days)).status_code == 302
    call = db.session.scalar(select(Call))
    assert (
        call.draft_reminder_first_days,
        call.draft_reminder_last_days,
        call.evaluation_reminder_days,
    ) == (10, 2, 4)


def test_a_first_reminder_not_before_the_last_is_refused_on_its_field(client, login_as, post, db):
    login_as("staff")
    response = post(NEW, form_data(draft_reminder_first_days="1", draft_reminder_last_days="3"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'href="#draft_reminder_first_days"' in page
    assert "more days before the deadline than the last one (3)" in page
    assert db.session.scalar(select(Call)) is None


def test_zero_days_are_refused(client, login_as, post, db):
    login_as("staff")
    response = post(NEW, form_data(evaluation_reminder_days="0"))
    assert response.status_code == 400
    assert "Enter a whole number of days from 1 to 365" in response.get_data(as_text=True)
