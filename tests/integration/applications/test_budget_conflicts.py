"""The budget page, two tabs or two colleagues: a save from an older version is refused with nothing
written, the page keeps what was typed and shows the saved version line by line (and amount by
amount) to choose from; the page autosaves as the user types, with the same check."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from grants.extensions import db as database
from grants.models import Application
from tests.factories import make_application, make_call, make_org
from tests.factories.applications import _form, _line, _reload, _url, autosave


@pytest.fixture
def lead(login_as):
    return login_as("applicant")


@pytest.fixture
def application(db, lead):
    partner = make_org("DE", "local_authority", name="Stadt Kehl")
    application = make_application(
        make_call(), lead=lead.organisation, partners=[partner], confirmed=False
    )
    db.session.commit()
    return application


def _ids(application: Application) -> list[int]:
    return [line.id for line in application.budget_lines]


def _conflicts(page: str) -> list[str]:
    return re.search(r'name="conflicts" value="([^"]*)"', page).group(1).split(",")


def test_a_stale_budget_save_is_refused_and_shows_the_saved_lines_that_differ(
    client, post, application
):
    tab_b = _form(application)  # loaded at version 1
    first, second = _ids(application)
    tab_a = _form(application)
    tab_a["lines-0-quantity"] = "19"
    assert post(_url(application), {**tab_a, "save_draft": "1"}).status_code == 302
    tab_b["lines-1-quantity"] = "5"
    response = post(_url(application), {**tab_b, "save_draft": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert (
        "Your changes were not saved" in page
        and "You saved this page in another tab or window at" in page
    )
    saved = _reload(application)
    assert [line.quantity for line in saved.budget_lines] == [
        Decimal("19"),
        Decimal("4"),
    ] and saved.version == 2
    assert 'name="lines-1-quantity" type="text" value="5"' in page  # what was typed is kept
    assert sorted(_conflicts(page)) == sorted(
        [f"line-{first}", f"line-{second}"]
    )  # amounts are the same
    assert "Line 1: the saved version" in page and "19 month" in page
    assert 'name="choice-indirect"' not in page


def test_choosing_line_by_line_keeps_both_edits(client, post, application):
    """The walkthrough's case: A set line 1, B (stale) set line 2; B takes A's line 1 and keeps its
    line 2."""
    tab_b = _form(application)
    first, second = _ids(application)
    tab_a = _form(application)
    tab_a["lines-0-quantity"] = "19"
    post(_url(application), {**tab_a, "save_draft": "1"})
    tab_b["lines-1-quantity"] = "5"
    post(_url(application), {**tab_b, "save_draft": "1"})
    choices = {
        "conflicts": f"line-{first},line-{second}",
        f"choice-line-{first}": "theirs",
        f"choice-line-{second}": "mine",
    }
    response = post(_url(application), {**tab_b, **choices, "version": "2", "save_draft": "1"})
    assert response.status_code == 302
    saved = _reload(application)
    assert [line.quantity for line in saved.budget_lines] == [
        Decimal("19"),
        Decimal("5"),
    ] and saved.version == 3


@pytest.mark.parametrize("choice, kept", [("theirs", True), ("mine", False)])
def test_a_line_added_by_the_other_tab_is_shown_and_kept_only_if_chosen(
    client, post, application, lead, choice, kept
):
    tab_b = _form(application)
    tab_a = _form(application)
    tab_a |= {f"lines-2-{k}": v for k, v in _line(lead.organisation).items()}
    post(_url(application), {**tab_a, "save_draft": "1"})
    added = _reload(application).budget_lines[2].id
    tab_b["contingency"] = "100.00"
    response = post(_url(application), {**tab_b, "save_draft": "1"})
    page = response.get_data(as_text=True)
    assert (
        response.status_code == 409
        and "A line saved since you opened the page, not on your page" in page
    )
    assert "Interpreters" in page and sorted(_conflicts(page)) == sorted(
        ["contingency", f"line-{added}"]
    )
    choices = {
        "conflicts": f"contingency,line-{added}",
        "choice-contingency": "mine",
        f"choice-line-{added}": choice,
    }
    assert (
        post(_url(application), {**tab_b, **choices, "version": "2", "save_draft": "1"}).status_code
        == 302
    )
    saved = _reload(application)
    assert ("Interpreters" in [line.description for line in saved.budget_lines]) is kept
    assert saved.contingency == Decimal("100.00")


def test_a_line_removed_by_the_other_tab_is_a_difference(client, post, application):
    tab_b = _form(application)
    second = _ids(application)[1]
    tab_a = _form(application)
    tab_a["lines-1-remove"] = "y"
    post(_url(application), {**tab_a, "save_draft": "1"})
    tab_b["lines-1-quantity"] = "5"
    page = post(_url(application), {**tab_b, "save_draft": "1"}).get_data(as_text=True)
    assert _conflicts(page) == [f"line-{second}"] and "This line was removed." in page
    choices = {"conflicts": f"line-{second}", f"choice-line-{second}": "mine"}
    post(_url(application), {**tab_b, **choices, "version": "2", "save_draft": "1"})
    saved = _reload(application)  # kept by choice: saved again, as a new line
    assert [(line.description, line.quantity) for line in saved.budget_lines] == [
        ("Project staff", Decimal("12")),
        ("Study visits", Decimal("5")),
    ]


def _autosave(client, application, data: dict):
    return autosave(client, _url(application), data)


def test_the_budget_autosaves_and_gives_new_lines_their_ids(client, application, lead):
    page = client.get(_url(application)).get_data(as_text=True)
    assert 'hx-include="#budget-form"' in page and "input delay:1200ms from:#budget-form" in page
    data = _form(application)
    data |= {f"lines-2-{k}": v for k, v in _line(lead.organisation).items()}
    text = _autosave(client, application, data).get_data(as_text=True)
    assert "Saved at" in text and 'id="version" name="version" value="2" hx-swap-oob="true"' in text
    new = _reload(application).budget_lines[2].id
    assert f'id="lines-2-line_id" name="lines-2-line_id" value="{new}" hx-swap-oob="true"' in text
    data |= {"version": "2", "lines-2-line_id": str(new), "lines-2-quantity": "11"}
    assert "Saved at" in _autosave(client, application, data).get_data(as_text=True)
    saved = _reload(application)
    assert len(saved.budget_lines) == 3 and saved.budget_lines[2].quantity == Decimal("11")


def test_an_invalid_budget_value_is_not_autosaved_and_is_named(client, application):
    text = _autosave(client, application, _form(application, indirect="lots")).get_data(
        as_text=True
    )
    assert "Not saved:" in text and "Indirect costs:" in text
    assert _reload(application).indirect == Decimal("7000.00")


def test_a_budget_autosave_that_meets_a_newer_version_does_not_overwrite(client, post, application):
    tab_b = _form(application)
    post(_url(application), {**_form(application, requested_grant="91000.00"), "save_draft": "1"})
    text = _autosave(client, application, {**tab_b, "contingency": "100.00"}).get_data(as_text=True)
    assert (
        'data-save-state="conflict"' in text
        and "You saved this page in another tab or window" in text
    )
    assert "Requested grant" in text and "Contingency reserve" in text
    database.session.expire_all()
    saved = _reload(application)
    assert saved.contingency == Decimal("0.00") and saved.requested_grant == Decimal("91000.00")


def test_an_autosave_that_changes_the_budget_says_the_confirmations_were_voided(client, db, lead):
    confirmed = make_application(
        make_call(),
        lead=lead.organisation,
        partners=[make_org("DE", "local_authority", name="Stadt Kehl")],
    )
    db.session.commit()
    text = _autosave(client, confirmed, _form(confirmed, contingency="100.00")).get_data(
        as_text=True
    )
    assert "Saved at" in text
    assert (
        "What Stadt Kehl confirmed has changed, so the confirmation is void and must be given "
        "again." in text
    )
