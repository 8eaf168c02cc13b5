"""Amounts as people type them on the budget page (docs/domain.md 3): Turkish grouping and decimals,
never silently reinterpreted; the live totals flag what they cannot read instead of dropping it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from grants.extensions import db as database
from grants.models import Application
from tests.factories import make_application, make_call, make_org


@pytest.fixture
def application(db, login_as):
    lead = login_as("applicant", locale="tr")
    application = make_application(
        make_call(),
        lead=lead.organisation,
        partners=[make_org("DE", "local_authority", name="Stadt Kehl")],
    )
    db.session.commit()
    return application


def _url(application) -> str:
    return f"/applications/{application.id}/budget"


def _turkish_form(application, decimal=",", **amounts) -> dict:
    """The page's form as a Turkish user types it: '5000,00', not '5000.00'."""
    data = {
        "version": str(application.version),
        "indirect": "7.000",
        "contingency": "0",
        "requested_grant": "90.000,00",
        **amounts,
    }
    for i, b in enumerate(application.budget_lines):
        data |= {
            f"lines-{i}-{k}": v
            for k, v in dict(
                line_id=str(b.id),
                heading=str(b.heading),
                description=b.description,
                unit=b.unit,
                quantity=format(b.quantity.normalize(), "f"),
                unit_cost=format(b.unit_cost, "f").replace(".", decimal),
                organisation=str(b.organisation_id),
            ).items()
        }
    return data


def _saved(application) -> Application:
    database.session.expire_all()
    return database.session.get(Application, application.id)


def test_turkish_thousands_and_decimals_are_saved_as_typed(client, post, application):
    data = _turkish_form(application, indirect="3.150", requested_grant="60.000,50")
    data |= {"lines-0-unit_cost": "2.500,50", "lines-0-quantity": "2,5"}
    response = post(_url(application), {**data, "save_draft": "1"}, follow_redirects=True)
    assert response.status_code == 200
    saved = _saved(application)
    assert saved.indirect == Decimal("3150.00") and saved.requested_grant == Decimal("60000.50")
    assert saved.budget_lines[0].unit_cost == Decimal("2500.50") and saved.budget_lines[
        0
    ].quantity == Decimal("2.5")
    page = response.get_data(as_text=True)
    assert (
        'value="2.500,50"' in page and 'value="3.150,00"' in page and 'value="2,5"' in page
    )  # shown back the same way


@pytest.mark.parametrize(
    ("field", "typed", "says"),
    [
        (
            "requested_grant",
            "60.00",
            "60.00 birden fazla şekilde okunabilir: 6.000,00 / 60,00 biçiminde yazın.",
        ),
        ("indirect", "1e9", "2.500,50 gibi, rakamlarla bir sayı girin."),
        ("indirect", "NaN", "2.500,50 gibi, rakamlarla bir sayı girin."),
        ("requested_grant", "60.000,505", "En fazla 2 ondalık basamak kullanın."),
    ],
)
def test_ambiguous_turkish_amounts_are_refused_naming_the_field_and_kept(
    client, post, application, field, typed, says
):
    response = post(
        _url(application), {**_turkish_form(application, **{field: typed}), "save_draft": "1"}
    )
    page = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400 and says in page
    assert (
        f'href="#{field}"' in page and f'value="{typed}"' in page
    )  # the summary names it; the typing is kept
    assert getattr(_saved(application), field) == getattr(application, field)


def test_percentages_read_the_turkish_way(client, application):
    page = client.get(_url(application)).get_data(as_text=True)
    assert "%84,11" in page and "%40" in page and "84,11%" not in page


def test_the_live_totals_flag_a_line_they_cannot_read(client, post, application):
    data = _turkish_form(application)
    data["lines-1-unit_cost"] = "10.000.0"  # a slip of the finger
    data["indirect"] = "7,000.00"  # English-style in a Turkish page
    page = post(f"{_url(application)}/preview", data, page=_url(application)).get_data(as_text=True)
    assert 'id="budget-unread"' in page
    assert 'href="#lines-1-unit_cost"' in page and 'href="#indirect"' in page
    assert "(yerine kaydedilmiş €7.000,00 sayılıyor)" in page
    assert "€60.000,00" in page  # direct costs: the line it could not read is left out, and said so


def test_an_english_page_reads_english_amounts(client, post, db, login_as):
    lead = login_as("applicant", locale="en")
    application = make_application(make_call(), lead=lead.organisation)
    db.session.commit()
    data = _turkish_form(application, decimal=".", indirect="3,150", requested_grant="60,000.50")
    data["lines-0-unit_cost"] = "2,500.50"
    assert post(_url(application), {**data, "save_draft": "1"}).status_code == 302
    saved = _saved(application)
    assert saved.indirect == Decimal("3150.00") and saved.budget_lines[0].unit_cost == Decimal(
        "2500.50"
    )
