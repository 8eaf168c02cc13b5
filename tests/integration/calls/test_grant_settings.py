"""The call settings of grants after award (docs/domain.md 7): the form's fieldset, its rules,
`Call.grant_terms()` and the bundle round trip."""

from __future__ import annotations

import re
from dataclasses import asdict
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.bundle import export_bundle, import_bundle, problems
from grants.extensions import db as database
from grants.models import AuditEvent, Call
from grants.rules.grant_terms import GrantTerms
from tests.factories.bundle import small, version_1
from tests.factories.calls import form_data

NEW = "/staff/calls/new"
CHANGED = {
    "single_max_months": 18,
    "single_max_grant": Decimal("80000.00"),
    "single_prefinancing_rate": Decimal("0.7500"),
    "prefinancing_due_days": 45,
    "period_months": 6,
    "instalment_due_days": 40,
    "instalment_condition_rate": Decimal("0.6500"),
    "prefinancing_ceiling_rate": Decimal("0.8500"),
    "interim_report_days": 30,
    "final_report_days": 120,
    "verification_threshold": Decimal("150000.00"),
    "heading_flexibility_rate": Decimal("0.1500"),
    "report_reminder_days": 21,
    "payment_reminder_days": 3,
}


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def test_new_call_form_shows_the_grant_fieldset_with_prags_defaults(client, staff):
    page = client.get(NEW).get_data(as_text=True)
    assert "Grants after award" in page
    for name, value in [
        ("single_prefinancing_rate", "80"),
        ("prefinancing_ceiling_rate", "90"),
        ("heading_flexibility_rate", "25"),
        ("verification_threshold", "100,000.00"),
        ("final_report_days", "90"),
    ]:
        assert re.search(f'<input[^>]* name="{name}"[^>]* value="{value}"', page), name


def test_grant_settings_are_stored_and_read_as_grant_terms(client, staff, post, db):
    typed = {
        "single_max_months": "18",
        "single_max_grant": "80,000",
        "single_prefinancing_rate": "75",
        "prefinancing_due_days": "45",
        "period_months": "6",
        "instalment_due_days": "40",
        "instalment_condition_rate": "65",
        "prefinancing_ceiling_rate": "85",
        "interim_report_days": "30",
        "final_report_days": "120",
        "verification_threshold": "150000.00",
        "heading_flexibility_rate": "15",
        "report_reminder_days": "21",
        "payment_reminder_days": "3",
    }
    assert post(NEW, form_data(**typed)).status_code == 302
    call = db.session.scalar(select(Call))
    assert {name: getattr(call, name) for name in CHANGED} == CHANGED
    assert call.grant_terms() == GrantTerms(indirect_rate=Decimal("0.0700"), **CHANGED)


def test_a_call_without_grant_settings_gets_prags_defaults(db):
    call = import_bundle(small())
    database.session.flush()
    database.session.refresh(call)
    assert call.grant_terms() == GrantTerms(indirect_rate=call.indirect_rate)
    assert asdict(call.grant_terms())["single_prefinancing_rate"] == Decimal("0.8")


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("single_max_months", "0", "Enter a whole number of months from 1 to 120."),
        ("period_months", "121", "Enter a whole number of months from 1 to 120."),
        ("prefinancing_due_days", "-1", "Enter a whole number of days from 0 to 365."),
        ("interim_report_days", "0", "Enter a whole number of days from 1 to 365."),
        ("final_report_days", "366", "Enter a whole number of days from 1 to 365."),
        ("report_reminder_days", "0", "Enter a whole number of days from 1 to 365."),
        ("payment_reminder_days", "-1", "Enter a whole number of days from 0 to 365."),
        ("single_max_grant", "-5", "Enter an amount from 0 to 999,999,999,999.99"),
        ("verification_threshold", "100000.005", "Use at most 2 decimal places"),
        ("prefinancing_ceiling_rate", "101", "A percentage must be between 0 and 100."),
        ("heading_flexibility_rate", "-1", "A percentage must be between 0 and 100."),
        ("instalment_condition_rate", "", "Enter a value."),
        (
            "single_prefinancing_rate",
            "95",
            "The single pre-financing cannot be more than the pre-financing ceiling (90 %)",
        ),
    ],
)
def test_invalid_grant_setting_is_refused_naming_the_field(
    client, staff, post, db, field, typed, message
):
    response = post(NEW, form_data(**{field: typed}))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'href="#{field}"' in page  # the error summary links to the field
    assert message in page
    assert f'name="{field}"' in page and 'value="Town twinning 2030"' in page
    assert db.session.scalar(select(Call)) is None


def test_bundle_round_trip_keeps_the_grant_settings(db):
    call = import_bundle(small())
    for name, value in CHANGED.items():
        setattr(call, name, value)
    database.session.flush()
    bundle = export_bundle(call)
    assert bundle["call"]["grants"]["single_prefinancing_rate"] == "0.75"
    assert bundle["call"]["grants"]["single_max_grant"] == "80000.00"
    assert bundle["call"]["grants"]["final_report_days"] == 120
    again = import_bundle(bundle, replace=True)
    database.session.flush()
    database.session.refresh(again)
    assert {name: getattr(again, name) for name in CHANGED} == CHANGED
    assert export_bundle(again) == bundle
    assert "grants" not in export_bundle(again, 1)["call"]  # version 1 has no place for them
    assert export_bundle(again, 1) == version_1(bundle)


def test_a_bundle_written_before_the_reminder_days_gets_their_defaults(db):
    call = import_bundle(small())
    database.session.flush()
    bundle = export_bundle(call)
    assert bundle["call"]["grants"]["report_reminder_days"] == 14
    for name in ("report_reminder_days", "payment_reminder_days"):
        del bundle["call"]["grants"][name]
    assert problems(bundle) == []
    again = import_bundle(bundle, replace=True)
    database.session.flush()
    database.session.refresh(again)
    assert (again.report_reminder_days, again.payment_reminder_days) == (14, 7)


def test_bundle_with_a_single_prefinancing_above_the_ceiling_is_refused(db):
    call = import_bundle(small())
    database.session.flush()
    bundle = export_bundle(call)
    bundle["call"]["grants"]["single_prefinancing_rate"] = "0.95"
    assert problems(bundle) == [
        "$.call.grants.single_prefinancing_rate: 0.95 is above prefinancing_ceiling_rate (0.90)"
    ]


def test_turkish_amounts_and_percentages_are_read_as_typed(client, login_as, post, db):
    login_as("staff", locale="tr")
    typed = {"single_max_grant": "80.000,50", "heading_flexibility_rate": "12,5"}
    turkish = {"total_budget": "2.600.000,00", "lots-1-budget": "1.000.000", "shortlist_ratio": "2"}
    assert post(NEW, form_data(**typed, **turkish)).status_code == 302
    call = db.session.scalar(select(Call))
    assert call.single_max_grant == Decimal("80000.50")
    assert call.heading_flexibility_rate == Decimal("0.1250")
    page = client.get(f"/staff/calls/{call.id}/edit").get_data(as_text=True)
    assert re.search(r'<input[^>]* name="single_max_grant"[^>]* value="80\.000,50"', page)


def test_a_changed_grant_setting_is_audited(client, staff, post, db):
    post(NEW, form_data())
    call = db.session.scalar(select(Call))
    response = post(f"/staff/calls/{call.id}/edit", form_data(period_months="6"))
    assert response.status_code == 302
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "call.updated"))
    assert (event.before, event.after) == ({"period_months": 12}, {"period_months": 6})
