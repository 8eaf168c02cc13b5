"""Creating and editing a call through the staff form."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.models import AuditEvent, Call, CallStatus, Stage
from tests.factories import make_call
from tests.factories.calls import form_data

NEW = "/staff/calls/new"


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def test_new_call_form_is_prefilled_with_the_defaults(client, staff):
    page = client.get(NEW).get_data(as_text=True)
    assert 'value="2,600,000.00"' in page and 'value="90"' in page and 'value="20"' in page
    assert "Europe/Istanbul" in page and "AT BE BG" in page


def test_call_created_with_two_lots_decimal_values_and_utc_times(client, staff, post, db):
    response = post(NEW, form_data())
    assert response.status_code == 302
    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-2030"))
    assert call.status is CallStatus.draft
    assert call.total_budget == Decimal("2600000.00") and isinstance(call.total_budget, Decimal)
    assert (call.min_rate, call.max_rate) == (Decimal("0.5000"), Decimal("0.9000"))
    assert (call.indirect_rate, call.contingency_rate) == (Decimal("0.0700"), Decimal("0.0500"))
    assert call.opens_at == datetime(2030, 1, 10, 6, 0, tzinfo=UTC)
    assert call.deadline == datetime(2030, 3, 15, 14, 0, tzinfo=UTC)  # 17:00 in Istanbul
    assert [(lot.code, lot.name, lot.themes, lot.budget) for lot in call.lots] == [
        ("LOT1", "Environment", ["environment", "climate"], Decimal("1600000.00")),
        ("LOT2", "Culture", ["culture"], Decimal("1000000.00")),
    ]
    assert call.themes == ["Environment", "Culture"]
    assert call.country_groups == [["TR"], ["AT", "BE", "DE"]]
    assert call.lead_types == ["municipality", "governorate"]
    assert call.reserve_list_length is None
    assert call.complaint_days == 30
    assert [g.stage for g in call.grids] == [Stage.full_application]
    assert call.grid_for(Stage.full_application).max_total == 100
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "call.created")).after[
            "reference"
        ]
        == "TTGS-2030"
    )


def test_edit_form_shows_times_back_in_the_call_zone(client, staff, post, db):
    post(NEW, form_data())
    call = db.session.scalar(select(Call))
    page = client.get(f"/staff/calls/{call.id}/edit").get_data(as_text=True)
    assert 'value="2030-03-15T17:00"' in page and 'value="50"' in page
    assert "Europe/Istanbul" in page


def test_restricted_call_gets_both_default_grids(client, staff, post, db):
    post(NEW, form_data(procedure="restricted", concept_note_deadline="2030-02-01T17:00"))
    call = db.session.scalar(select(Call))
    assert {g.stage for g in call.grids} == {Stage.full_application, Stage.concept_note}
    assert call.concept_note_deadline == datetime(2030, 2, 1, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "over, message",
    [
        ({"lots-1-budget": "900000"}, "€100,000.00 less than the total budget"),
        ({"grant_min": "140000"}, "The maximum grant must be at least the minimum grant"),
        ({"min_rate": "95"}, "The maximum grant rate must be at least the minimum grant rate"),
        ({"max_rate": "120"}, "A percentage must be between 0 and 100"),
        ({"duration_max": "6"}, "The maximum duration must be at least the minimum duration"),
        ({"partners_max": "0"}, "The maximum number of partners must be at least the minimum"),
        ({"grant_max": "-5"}, "An amount cannot be negative"),
        ({"grant_max": "130000.001"}, "Use at most 2 decimal places"),
        ({"total_budget": "2.6 million"}, "Enter a number such as 2,500.50, in digits"),
        ({"total_budget": "1e30"}, "Enter a number such as 2,500.50, in digits"),
        ({"total_budget": "1" * 25}, "This number is too large"),
        (
            {"total_budget": "2.600.000"},
            "Enter a number such as 2,500.50",
        ),  # Turkish grouping on an English page,
        ({"opens_at": "0001-01-01T00:00"}, "Enter a date from the year 2000 to 2999"),
        ({"duration_max": "99999999999"}, "Enter a whole number from 1 to 1000000"),
        ({"deadline": "2030-01-01T09:00"}, "The deadline must be after the opening time"),
        ({"procedure": "restricted"}, "A restricted call needs a concept-note deadline"),
        (
            {"procedure": "restricted", "concept_note_deadline": "2030-04-01T09:00"},
            "The full-application deadline must be after the concept-note deadline",
        ),
        ({"reference": "ttgs 2030"}, "Use 2 to 32 capital letters"),
        ({"timezone": "Europe/Atlantis"}, "Enter an IANA time zone"),
        ({"lead_countries": "TUR"}, "is not a two-letter country code"),
        ({"partner_types": None}, "Choose at least one"),
        ({"title": ""}, "Enter a value"),
        ({"lots-1-code": "LOT1"}, "codes must be unique"),
        (
            {"complaint_days": "0"},
            "Days to complain after a decision letter: Enter a whole number of days from 1 to 365",
        ),
        ({"complaint_days": "400"}, "Enter a whole number of days from 1 to 365"),
    ],
)
def test_invalid_input_is_refused_with_a_message_and_kept(client, staff, post, db, over, message):
    response = post(NEW, form_data(**over))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page.replace("&#39;", "'")
    assert 'id="error-summary"' in page
    assert 'value="Town twinning 2030"' in page or over.get("title") == ""
    assert 'value="LOT2"' in page or over.get("lots-1-code")
    assert db.session.scalar(select(Call)) is None


def test_error_summary_names_the_field(client, staff, post):
    page = post(NEW, form_data(grant_min="140000")).get_data(as_text=True)
    assert 'href="#grant_max"' in page and "Maximum grant:" in page
    page = post(NEW, form_data(**{"lots-1-budget": "x"})).get_data(as_text=True)
    assert 'href="#lots-1-budget"' in page and "Lot 2 – Budget" in page


def test_duplicate_reference_refused(client, staff, post, db):
    make_call(reference="TTGS-2030")
    db.session.commit()
    page = post(NEW, form_data()).get_data(as_text=True)
    assert "Another call already has the reference TTGS-2030" in page


def test_add_another_lot_keeps_the_input(client, staff, post, db):
    response = post(NEW, form_data(title="Kept title", add_lot="Add another lot"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'value="Kept title"' in page and 'name="lots-2-code"' in page
    assert "There is a problem" not in page
    assert db.session.scalar(select(Call)) is None


def test_removed_and_blank_lot_rows_are_ignored(client, staff, post, db):
    data = form_data(
        **{"lots-1-remove": "y", "lots-0-budget": "2600000", "lots-2-code": "", "lots-2-name": ""}
    )
    assert post(NEW, data).status_code == 302
    assert [lot.code for lot in db.session.scalar(select(Call)).lots] == ["LOT1"]


def test_editing_lots_keeps_matching_lots(client, staff, post, db):
    post(NEW, form_data())
    call = db.session.scalar(select(Call))
    lot_id = call.lots[0].id
    url = f"/staff/calls/{call.id}/edit"
    data = form_data(**{"lots-0-name": "Green towns", "lots-1-code": "LOT3"})
    assert post(url, data).status_code == 302
    db.session.expire_all()
    assert [(lot.id == lot_id, lot.code, lot.name) for lot in call.lots] == [
        (True, "LOT1", "Green towns"),
        (False, "LOT3", "Culture"),
    ]
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "call.updated")).one()
    assert set(event.after) == {"lots"}


def test_a_closed_call_cannot_be_edited(client, staff, post, db):
    call = make_call(reference="TTGS-2030", status="closed")
    db.session.commit()
    response = post(f"/staff/calls/{call.id}/edit", form_data(title="Too late"))
    assert (
        response.status_code == 400
        and "A decided or closed call cannot be edited." in response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert call.title == "Town twinning call"
