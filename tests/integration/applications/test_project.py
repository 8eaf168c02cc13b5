"""The project page: drafts saved as the user types, nothing typed lost, a stale save refused and
shown beside the saved version field by field."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from grants.applications.services import save_project
from grants.extensions import db as database
from grants.models import Application
from tests.factories import make_application, make_call, make_user
from tests.factories.applications import autosave

FIELDS = {
    "title": "Green twin towns",
    "acronym": "GTT",
    "theme": "environment",
    "summary": "Two towns.",
    "objectives": "Plans.",
    "activities": "Visits.",
    "expected_results": "Two plans.",
    "start_month": "1",
    "duration_months": "24",
}


@pytest.fixture
def draft(db, login_as):
    user = login_as("applicant")
    call = make_call(themes=["environment", "culture"], timezone="Europe/Berlin")
    application = make_application(
        call, lead=user.organisation, title="", acronym="", theme="", summary=""
    )
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
    assert (saved.title, saved.theme, saved.start_month, saved.duration_months) == (
        "Green twin towns",
        "environment",
        1,
        24,
    )
    assert saved.version == 2
    assert "Completed" in client.get(response.location).get_data(as_text=True)


def test_save_as_draft_stays_on_the_page(client, post, draft):
    response = post(
        _url(draft),
        {"title": "Half done", "version": "1", "save_draft": "1"},
        follow_redirects=True,
    )
    assert "Project details saved." in response.get_data(as_text=True)
    assert 'value="Half done"' in response.get_data(as_text=True)
    assert _reload(draft).title == "Half done"


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("duration_months", "36", "Enter a duration from 12 to 24 months: the call&#39;s limits."),
        ("duration_months", "6", "Enter a duration from 12 to 24 months"),
        ("duration_months", "two years", "Enter a whole number, such as 12."),
        ("start_month", "13", "Enter a month from 1 to 12."),
        ("start_month", "0", "Enter a month from 1 to 12."),
        ("acronym", "A" * 41, "Use at most 40 characters."),
    ],
)
def test_invalid_field_keeps_what_was_typed_and_saves_the_rest(
    client, post, draft, field, typed, message
):
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
    response = post(
        _url(draft), {**FIELDS, "theme": "space travel", "version": "1", "save_continue": "1"}
    )
    assert response.status_code == 400 and "Theme: Not a valid choice" in response.get_data(
        as_text=True
    )
    assert _reload(draft).theme == ""


def test_theme_must_belong_to_the_chosen_lot(client, post, db, login_as):
    user = login_as("applicant")
    call = make_call(lots=[("Environment", Decimal("1300000")), ("Culture", Decimal("1300000"))])
    call.lots[0].themes, call.lots[1].themes = ["environment"], ["culture"]
    application = make_application(call, lead=user.organisation, theme="")
    db.session.commit()
    lot = call.lots[1]
    response = post(
        _url(application),
        {
            **FIELDS,
            "lot": str(lot.id),
            "theme": "environment",
            "version": "1",
            "save_continue": "1",
        },
    )
    assert "Choose one of the themes of lot Culture: culture." in response.get_data(as_text=True)
    saved = _reload(application)
    assert saved.lot_id == lot.id and saved.theme == ""


def _colleague_saves(client, draft, **values) -> None:
    """Ayşe, a colleague in the lead organisation, saves the project from version 1 of the page."""
    colleague = make_user(organisation=draft.lead, name="Ayşe Yılmaz")
    database.session.commit()
    with client.application.test_request_context():
        from flask_login import login_user

        login_user(colleague)
        assert save_project(_reload(draft), values, 1).changed
        database.session.commit()


def test_a_stale_save_is_refused_and_shows_theirs_beside_mine_field_by_field(client, post, draft):
    loaded = client.get(_url(draft)).get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in loaded
    _colleague_saves(client, draft, title="Colleague's title", activities="Their visits.")
    response = post(_url(draft), {**FIELDS, "summary": "", "version": "1", "save_draft": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Your changes were not saved" in page and "Ayşe Yılmaz saved this page at" in page
    assert "someone else" not in page
    saved = _reload(draft)  # nothing of the stale form is written
    assert (saved.title, saved.activities, saved.objectives, saved.version) == (
        "Colleague's title",
        "Their visits.",
        "",
        2,
    )
    assert (
        'value="Green twin towns"' in page and "\nVisits.</textarea>" in page
    )  # what this user typed is kept
    assert "Colleague&#39;s title" in page and "Their visits." in page  # and theirs is beside it
    conflicts = re.search(r'name="conflicts" value="([^"]*)"', page).group(1).split(",")
    assert "title" in conflicts and "activities" in conflicts and "objectives" in conflicts
    assert "summary" not in conflicts  # the same on both sides: not a difference
    assert 'name="choice-title"' in page and 'name="choice-summary"' not in page
    assert 'name="version" type="hidden" value="2"' in page


def test_the_user_chooses_per_field_and_saves_against_the_new_version(client, post, draft):
    _colleague_saves(client, draft, title="Colleague's title", activities="Their visits.")
    post(_url(draft), {**FIELDS, "version": "1", "save_draft": "1"})
    choices = {
        "conflicts": "title,activities,summary",
        "choice-title": "theirs",
        "choice-activities": "mine",
        "choice-summary": "mine",
    }
    response = post(_url(draft), {**FIELDS, **choices, "version": "2", "save_draft": "1"})
    assert response.status_code == 302
    saved = _reload(draft)
    assert (saved.title, saved.activities, saved.summary) == (
        "Colleague's title",
        "Visits.",
        "Two towns.",
    )
    assert saved.version == 3


def test_nothing_is_saved_until_every_difference_is_chosen(client, post, draft):
    _colleague_saves(client, draft, title="Colleague's title")
    response = post(
        _url(draft),
        {
            **FIELDS,
            "conflicts": "title,summary",
            "choice-summary": "mine",
            "version": "2",
            "save_draft": "1",
        },
    )
    assert response.status_code == 409
    assert "Nothing was saved: choose a version for every difference first." in response.get_data(
        as_text=True
    )
    assert (
        'id="choice-summary-mine" value="mine"\n      data-restore="summary" checked'
        in response.get_data(as_text=True)
    )
    saved = _reload(draft)
    assert (saved.title, saved.summary, saved.version) == ("Colleague's title", "", 2)


def test_the_same_user_in_another_tab_is_not_called_someone_else(client, post, draft):
    post(_url(draft), {**FIELDS, "version": "1", "save_draft": "1"})  # tab A
    response = post(
        _url(draft), {**FIELDS, "title": "From tab B", "version": "1", "save_draft": "1"}
    )  # tab B
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "You saved this page in another tab or window at" in page and "(Europe/Berlin)" in page
    assert "someone else" not in page
    assert _reload(draft).title == "Green twin towns"


def test_of_two_saves_from_the_same_version_only_the_first_is_written(client, draft):
    with client.application.test_request_context():
        first = save_project(_reload(draft), {"title": "First"}, 1)
        second = save_project(_reload(draft), {"title": "Second"}, 1)
        database.session.commit()
    assert first.changed and first.conflict is None
    assert not second.changed and second.conflict.theirs == {"title": "First"}
    saved = _reload(draft)
    assert (saved.title, saved.version) == ("First", 2)


def _autosave(client, draft, data: dict):
    return autosave(client, _url(draft), data)


def test_the_page_autosaves_as_the_user_types(client, draft):
    page = client.get(_url(draft)).get_data(as_text=True)
    assert (
        f'hx-post="/applications/{draft.id}/project"' in page
        and 'hx-include="#project-form"' in page
    )
    assert "input delay:1200ms from:#project-form" in page and 'role="status"' in page
    response = _autosave(client, draft, {"title": "Typed", "version": "1"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200 and "Saved at" in text and 'data-save-state="saved"' in text
    assert 'id="version" name="version" value="2" hx-swap-oob="true"' in text
    assert _reload(draft).title == "Typed"


def test_an_invalid_value_is_not_autosaved_and_the_status_names_the_field(client, draft):
    response = _autosave(client, draft, {"title": "Typed", "duration_months": "36", "version": "1"})
    text = response.get_data(as_text=True)
    assert (
        "Not saved:" in text and "Duration (months): Enter a duration from 12 to 24 months" in text
    )
    assert "Your other answers were saved at" in text
    saved = _reload(draft)
    assert (saved.title, saved.duration_months) == ("Typed", None)


def test_an_autosave_that_meets_a_newer_version_does_not_overwrite(client, draft):
    _colleague_saves(client, draft, title="Colleague's title")
    response = _autosave(client, draft, {**FIELDS, "version": "1"})
    text = response.get_data(as_text=True)
    assert 'data-save-state="conflict"' in text and "Ayşe Yılmaz saved this page at" in text
    assert (
        "It differs from your page in: Project title" in text
        and "Compare the versions and choose" in text
    )
    assert 'id="version"' not in text  # the page keeps its version: the next save is refused too
    assert _reload(draft).title == "Colleague's title"


def test_autosave_does_not_resolve_a_conflict_the_save_button_does(client, draft):
    _colleague_saves(client, draft, title="Colleague's title")
    response = _autosave(
        client, draft, {**FIELDS, "conflicts": "title", "choice-title": "mine", "version": "2"}
    )
    assert "Choose your version or theirs" in response.get_data(as_text=True)
    assert _reload(draft).title == "Colleague's title"


def test_save_and_continue_on_an_empty_page_does_not_say_saved(client, post, draft):
    response = post(_url(draft), {"version": "1", "save_continue": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Project details saved." not in page
    assert "Nothing was saved: the project page is still empty." in page
    assert _reload(draft).version == 1


def test_saving_unchanged_answers_says_so(client, post, draft):
    post(_url(draft), {**FIELDS, "version": "1", "save_draft": "1"})
    response = post(
        _url(draft), {**FIELDS, "version": "2", "save_draft": "1"}, follow_redirects=True
    )
    page = response.get_data(as_text=True)
    assert "Project details saved." not in page
    assert "There was nothing new to save: the project details were already saved." in page


def test_a_save_that_went_through_tells_the_page_its_kept_input_is_saved(client, post, draft):
    post(_url(draft), {**FIELDS, "version": "1", "save_draft": "1", "kept_token": "tok123"})
    assert 'data-keep-saved="tok123"' in client.get(_url(draft)).get_data(as_text=True)
    assert 'data-keep-saved=""' in client.get(_url(draft)).get_data(as_text=True)  # once
    refused = post(
        _url(draft),
        {**FIELDS, "start_month": "13", "version": "2", "save_draft": "1", "kept_token": "tok456"},
    )
    assert refused.status_code == 400
    assert 'data-keep-saved="tok456"' not in client.get(_url(draft)).get_data(as_text=True)


def test_no_warning_when_nobody_else_saved(client, post, draft):
    post(_url(draft), {**FIELDS, "version": "1", "save_draft": "1"})
    response = post(
        _url(draft),
        {**FIELDS, "title": "Second", "version": "2", "save_draft": "1"},
        follow_redirects=True,
    )
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
