"""The project page: drafts saved on every step, nothing typed lost, last edit wins with a warning."""
from __future__ import annotations

from decimal import Decimal

import pytest

from grants.applications.services import save_project
from grants.extensions import db as database
from grants.models import Application
from tests.factories import make_application, make_call, make_user

FIELDS = {"title": "Green twin towns", "acronym": "GTT", "theme": "environment", "summary": "Two towns.",
          "objectives": "Plans.", "activities": "Visits.", "expected_results": "Two plans.", "start_month": "1",
          "duration_months": "24"}


@pytest.fixture
def draft(db, login_as):
    user = login_as("applicant")
    call = make_call(themes=["environment", "culture"], timezone="Europe/Berlin")
    application = make_application(call, lead=user.organisation, title="", acronym="", theme="", summary="")
    application.objectives = application.activities = application.expected_results = ""
    application.start_month = application.duration_months = None
    db.session.commit()
    return application


def _url(application) -> str:
    return f"/applications/{application.id}/project"


def _reload(application) -> Application:
    database.session.expire_all()
    return database.session.get(Application, application.id)


def test_save_and_continue_goes_back_to_the_task_list(client, post, draft):
    response = post(_url(draft), {**FIELDS, "version": "1", "save_continue": "1"})
    assert response.status_code == 302 and response.location.endswith(f"/applications/{draft.id}")
    saved = _reload(draft)
    assert (saved.title, saved.theme, saved.start_month, saved.duration_months) == ("Green twin towns", "environment", 1, 24)
    assert saved.version == 2
    assert "Completed" in client.get(response.location).get_data(as_text=True)


def test_save_as_draft_stays_on_the_page(client, post, draft):
    response = post(_url(draft), {"title": "Half done", "version": "1", "save_draft": "1"}, follow_redirects=True)
    assert "Project details saved." in response.get_data(as_text=True)
    assert 'value="Half done"' in response.get_data(as_text=True)
    assert _reload(draft).title == "Half done"


@pytest.mark.parametrize("field, typed, message", [
    ("duration_months", "36", "Enter a duration from 12 to 24 months: the call&#39;s limits."),
    ("duration_months", "6", "Enter a duration from 12 to 24 months"),
    ("duration_months", "two years", "Enter a whole number, such as 12."),
    ("start_month", "13", "Enter a month from 1 to 12."),
    ("start_month", "0", "Enter a month from 1 to 12."),
    ("acronym", "A" * 41, "Use at most 40 characters."),
])
def test_invalid_field_keeps_what_was_typed_and_saves_the_rest(client, post, draft, field, typed, message):
    response = post(_url(draft), {**FIELDS, field: typed, "version": "1", "save_continue": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page and "There is a problem" in page
    assert typed in page  # nothing typed is lost
    assert "We saved the answers that were valid" in page
    saved = _reload(draft)
    assert saved.title == "Green twin towns" and saved.summary == "Two towns."
    assert getattr(saved, field) in (None, "")


def test_theme_outside_the_calls_themes_is_refused(client, post, draft):
    response = post(_url(draft), {**FIELDS, "theme": "space travel", "version": "1", "save_continue": "1"})
    assert response.status_code == 400 and "Theme: Not a valid choice" in response.get_data(as_text=True)
    assert _reload(draft).theme == ""


def test_theme_must_belong_to_the_chosen_lot(client, post, db, login_as):
    user = login_as("applicant")
    call = make_call(lots=[("Environment", Decimal("1300000")), ("Culture", Decimal("1300000"))])
    call.lots[0].themes, call.lots[1].themes = ["environment"], ["culture"]
    application = make_application(call, lead=user.organisation, theme="")
    db.session.commit()
    lot = call.lots[1]
    response = post(_url(application), {**FIELDS, "lot": str(lot.id), "theme": "environment", "version": "1",
                                        "save_continue": "1"})
    assert "Choose one of the themes of lot Culture: culture." in response.get_data(as_text=True)
    saved = _reload(application)
    assert saved.lot_id == lot.id and saved.theme == ""


def test_a_later_save_over_someone_elses_warns_and_wins(client, post, draft, db):
    colleague = make_user(organisation=draft.lead, name="Ayşe Yılmaz")
    db.session.commit()
    loaded = client.get(_url(draft)).get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in loaded
    with client.application.test_request_context():
        from flask_login import login_user

        login_user(colleague)
        save_project(_reload(draft), {"title": "Colleague's title"}, 1)
        database.session.commit()
    response = post(_url(draft), {**FIELDS, "version": "1", "save_draft": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "This application was changed by someone else since you opened the page (by Ayşe Yılmaz at" in page
    assert "(Europe/Berlin)); your changes were saved over theirs." in page
    saved = _reload(draft)
    assert saved.title == "Green twin towns" and saved.version == 3


def test_no_warning_when_nobody_else_saved(client, post, draft):
    post(_url(draft), {**FIELDS, "version": "1", "save_draft": "1"})
    response = post(_url(draft), {**FIELDS, "title": "Second", "version": "2", "save_draft": "1"},
                    follow_redirects=True)
    assert "changed by someone else" not in response.get_data(as_text=True)
    assert _reload(draft).version == 3


def test_saving_unchanged_answers_keeps_the_version(client, post, draft):
    post(_url(draft), {**FIELDS, "version": "1", "save_draft": "1"})
    post(_url(draft), {**FIELDS, "version": "2", "save_draft": "1"})
    assert _reload(draft).version == 2


def test_an_expired_session_comes_back_to_the_page_after_log_in(client, draft):
    with client.session_transaction() as session:
        session.clear()
    response = client.get(_url(draft))
    assert response.status_code == 302
    assert f"next=%2Fapplications%2F{draft.id}%2Fproject" in response.location
