"""The budget page: lines by heading and organisation, rows added without JavaScript, totals and
every limit missed with the limit and by how much, live preview, and confirmations voided when the
budget changes."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.models import OutboxMessage, PartnerStatus
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories.applications import _form, _line, _reload, _url


@pytest.fixture
def lead(login_as):
    return login_as("applicant")


@pytest.fixture
def application(db, lead):
    partner = make_org("DE", "local_authority", name="Stadt Kehl")
    application = make_application(make_call(), lead=lead.organisation, partners=[partner])
    db.session.commit()
    return application


def test_page_shows_lines_totals_rate_and_shares(client, application):
    page = client.get(_url(application)).get_data(as_text=True)
    assert 'value="Project staff"' in page and 'value="Study visits"' in page
    for text in (
        "€100,000.00",
        "€7,000.00",
        "€107,000.00",
        "€90,000.00",
        "€17,000.00",
        "84.11%",
        "Stadt Kehl",
        "€40,000.00",
        "40%",
        "60%",
        "The budget meets the call's money limits.",
    ):
        assert text in page, text
    assert page.count('name="lines-2-description"') == 1  # one blank row to add a line


def test_add_a_line_saves_and_offers_another_blank_row(client, post, application, lead):
    data = _form(application)
    data |= {f"lines-2-{k}": v for k, v in _line(lead.organisation).items()}
    response = post(_url(application), {**data, "add_line": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Budget saved." in page and 'value="Interpreters"' in page
    assert 'name="lines-3-description"' in page
    saved = _reload(application)
    assert [b.description for b in saved.budget_lines] == [
        "Project staff",
        "Study visits",
        "Interpreters",
    ]
    assert saved.budget_lines[2].quantity == Decimal("10") and saved.budget_lines[
        2
    ].unit_cost == Decimal("100.00")


def test_remove_a_line(client, post, application):
    data = _form(application)
    data["lines-1-remove"] = "y"
    post(_url(application), {**data, "save_draft": "1"})
    assert [b.description for b in _reload(application).budget_lines] == ["Project staff"]


def test_blank_rows_are_ignored(client, post, application):
    data = _form(application)
    data |= {
        "lines-2-heading": "",
        "lines-2-description": "",
        "lines-2-quantity": "",
        "lines-2-unit_cost": "",
    }
    response = post(_url(application), {**data, "save_continue": "1"})
    assert response.status_code == 302 and response.location.endswith(
        f"/applications/{application.id}"
    )
    assert len(_reload(application).budget_lines) == 2


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("heading", "", "Choose a heading."),
        ("description", "", "Enter a description."),
        ("quantity", "ten", "Enter a number such as 2,500.5, in digits."),
        ("quantity", "-1", "Enter a number of 0 or more."),
        ("quantity", "1.23456", "Use at most 4 decimal places."),
        ("unit_cost", "12.345", "12.345 can be read more than one way: write 12,345.00."),
        ("unit_cost", "", "Enter a number."),
        ("organisation", "999999", "Choose an organisation of the partnership."),
    ],
)
def test_an_invalid_new_line_is_kept_on_screen_and_the_rest_is_saved(
    client, post, application, lead, field, typed, message
):
    data = _form(application, requested_grant="85000.00")
    bad = _line(lead.organisation, description="Translation")
    bad[field] = typed
    data |= {f"lines-2-{k}": v for k, v in bad.items()}
    response = post(_url(application), {**data, "save_continue": "1"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page and "Line 3" in page
    if typed and field != "organisation":
        assert f'value="{typed}"' in page
    saved = _reload(application)
    assert saved.requested_grant == Decimal("85000.00") and len(saved.budget_lines) == 2


def test_an_invalid_edit_of_a_saved_line_keeps_the_saved_values(client, post, application):
    data = _form(application)
    data["lines-0-unit_cost"] = "lots"
    page = post(_url(application), {**data, "save_draft": "1"}).get_data(as_text=True)
    assert 'value="lots"' in page
    assert _reload(application).budget_lines[0].unit_cost == Decimal("5000.00")


def test_a_line_of_a_partner_that_declined_is_not_reassigned_silently(
    client, post, application, db
):
    application.partners[0].status = PartnerStatus.declined
    db.session.commit()
    page = client.get(_url(application)).get_data(as_text=True)
    assert "Stadt Kehl (no longer in the partnership)" in page
    response = post(_url(application), {**_form(application), "save_draft": "1"})
    assert "Line 2 – Incurred by: Choose an organisation of the partnership." in response.get_data(
        as_text=True
    )
    saved = _reload(application)
    assert saved.budget_lines[1].organisation_id == application.partners[0].organisation_id


def test_an_invalid_amount_is_not_saved_and_is_shown(client, post, application):
    page = post(
        _url(application), {**_form(application, indirect="-5"), "save_draft": "1"}
    ).get_data(as_text=True)
    assert "Indirect costs: Enter a number of 0 or more." in page and 'value="-5"' in page
    assert _reload(application).indirect == Decimal("7000.00")


@pytest.mark.parametrize(
    "amounts, message",
    [
        (
            {"requested_grant": "40000.00"},
            "Requested grant €40,000.00 is below the minimum of €60,000.00 by €20,000.00.",
        ),
        (
            {"requested_grant": "135000.00"},
            "Requested grant €135,000.00 is above the maximum of €130,000.00 by €5,000.00.",
        ),
        (
            {"requested_grant": "99000.00"},
            "Grant rate 92.52% is above the maximum of 90%: the requested grant may be at most "
            "€96,300.00, over by €2,700.00.",
        ),
        (
            {"indirect": "7500.00"},
            "Indirect costs €7,500.00 are above the cap of 7% of direct costs (€7,000.00) by "
            "€500.00.",
        ),
        (
            {"contingency": "5000.01"},
            "Contingency reserve €5,000.01 is above the cap of 5% of direct costs (€5,000.00) by "
            "€0.01.",
        ),
    ],
)
def test_limits_missed_say_the_limit_and_by_how_much(client, post, application, amounts, message):
    response = post(
        _url(application),
        {**_form(application, **amounts), "save_draft": "1"},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "The budget does not meet the call's limits yet" in page
    assert message in page


def test_grant_rate_below_the_minimum(client, post, db, lead):
    application = make_application(
        make_call(min_rate=Decimal("0.70")),
        lead=lead.organisation,
        requested_grant=Decimal("70000.00"),
    )
    db.session.commit()
    page = client.get(_url(application)).get_data(as_text=True)
    assert (
        "Grant rate 65.42% is below the minimum of 70%: the requested grant must be at least "
        "€74,900.00,"
        " short by €4,900.00."
    ) in page


def test_preview_computes_as_typed_without_saving(client, post, application, lead):
    data = _form(application, requested_grant="135000.00")
    data |= {
        f"lines-2-{k}": v
        for k, v in _line(lead.organisation, quantity="2", unit_cost="500.00").items()
    }
    response = post(f"{_url(application)}/preview", data, page=_url(application))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert "€101,000.00" in page and "above the maximum of €130,000.00 by €5,000.00" in page
    assert "not saved yet" in page
    saved = _reload(application)
    assert len(saved.budget_lines) == 2 and saved.requested_grant == Decimal("90000.00")


def test_budget_page_refreshes_totals_with_htmx(client, application):
    page = client.get(_url(application)).get_data(as_text=True)
    assert (
        f'hx-post="/applications/{application.id}/budget/preview"' in page
        and 'hx-include="#budget-form"' in page
    )


def test_changing_the_budget_voids_confirmations_and_tells_both_sides(
    client, post, application, db
):
    make_user(organisation=application.partners[0].organisation, email="partner@kehl.example")
    db.session.commit()
    assert application.partners[0].status is PartnerStatus.confirmed
    data = _form(application)
    data["lines-1-quantity"] = "5"
    response = post(_url(application), {**data, "save_draft": "1"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert (
        "What Stadt Kehl confirmed has changed, so the confirmation is void and must be given "
        "again." in page
    )
    assert _reload(application).partners[0].status is PartnerStatus.proposed
    recipients = db.session.scalars(select(OutboxMessage.to)).all()
    assert "partner@kehl.example" in recipients and len(recipients) >= 2


def test_saving_an_unchanged_budget_keeps_confirmations(client, post, application, db):
    response = post(
        _url(application), {**_form(application), "save_draft": "1"}, follow_redirects=True
    )
    assert "There was nothing new to save: the budget was already saved." in response.get_data(
        as_text=True
    )
    assert "Budget saved." not in response.get_data(as_text=True)
    saved = _reload(application)
    assert saved.partners[0].status is PartnerStatus.confirmed and saved.version == 1
    assert db.session.scalars(select(OutboxMessage)).all() == []
