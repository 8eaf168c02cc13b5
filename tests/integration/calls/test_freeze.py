"""Once an application is submitted, a call's money and eligibility rules cannot change
(docs/domain.md 2)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from grants.calls.mapping import FROZEN_FIELDS
from grants.calls.services import CallRefused, SettingsFrozen, update_call
from tests.factories import make_call
from tests.factories.calls import form_data, submit_application


@pytest.fixture
def frozen_call(db, login_as):
    login_as("staff")
    call = make_call(
        reference="TTGS-2026",
        lots=[("Environment", Decimal("1600000")), ("Culture", Decimal("1000000"))],
    )
    submit_application(call)
    db.session.commit()
    return call


def editable_only(**over) -> dict:
    return {
        k: v
        for k, v in form_data(**over).items()
        if k not in FROZEN_FIELDS and not k.startswith("lots-")
    }


def test_edit_form_shows_frozen_settings_read_only(client, frozen_call):
    page = client.get(f"/staff/calls/{frozen_call.id}/edit").get_data(as_text=True)
    assert 'name="total_budget"' not in page and 'name="lots-0-budget"' not in page
    assert "€2,600,000.00" in page and "applications have been submitted" in page.lower()
    assert 'name="title"' in page


def test_editable_settings_still_change(client, post, db, frozen_call):
    response = post(f"/staff/calls/{frozen_call.id}/edit", editable_only(title="Corrected title"))
    assert response.status_code == 302
    db.session.expire_all()
    assert frozen_call.title == "Corrected title"
    assert frozen_call.total_budget == Decimal("2600000.00") and len(frozen_call.lots) == 2


def test_changing_the_budget_is_refused_even_if_posted(client, post, db, frozen_call):
    data = editable_only(title="Sneaky") | {"total_budget": "3000000.00"}
    response = post(f"/staff/calls/{frozen_call.id}/edit", data)
    assert response.status_code == 400
    assert (
        "This cannot change: applications have been submitted to this call."
        in response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert (
        frozen_call.total_budget == Decimal("2600000.00")
        and frozen_call.title == "Town twinning call"
    )


def test_posting_the_same_frozen_value_is_accepted(client, post, db, frozen_call):
    data = editable_only() | {"total_budget": "2600000", "max_rate": "90"}
    assert post(f"/staff/calls/{frozen_call.id}/edit", data).status_code == 302


def test_changing_lots_is_refused(client, post, db, frozen_call):
    data = editable_only() | {
        "lots-0-code": "LOT1",
        "lots-0-name": "Everything",
        "lots-0-budget": "2600000",
    }
    response = post(f"/staff/calls/{frozen_call.id}/edit", data)
    assert response.status_code == 400
    assert "The lots cannot change" in response.get_data(as_text=True)
    db.session.expire_all()
    assert [lot.budget for lot in frozen_call.lots] == [
        Decimal("1600000.00"),
        Decimal("1000000.00"),
    ]


def test_service_refuses_each_frozen_rule(frozen_call):
    changes = {
        "grant_max": Decimal("150000"),
        "min_rate": Decimal("0.4"),
        "duration_max": 36,
        "lead_countries": ["TR", "DE"],
        "partners_max": 5,
        "country_groups": [],
        "procedure": "restricted",
        "currency": "USD",
        "max_applications_per_lead": 2,
        "indirect_rate": Decimal("0.1"),
    }
    for name, value in changes.items():
        with pytest.raises(SettingsFrozen) as refused:
            update_call(frozen_call, {name: value}, None)
        assert refused.value.fields == [name]


def test_draft_applications_do_not_freeze(db, client, post, login_as):
    login_as("staff")
    call = make_call()
    submit_application(call, submitted=False)
    db.session.commit()
    data = form_data(
        reference=call.reference, total_budget="2000000", **{"lots-0-budget": "1000000"}
    )
    assert post(f"/staff/calls/{call.id}/edit", data).status_code == 302
    db.session.expire_all()
    assert call.total_budget == Decimal("2000000.00")


def test_a_published_calls_deadline_moves_later_never_earlier(db):
    """Issue 14 (staff cannot shorten the time applicants were promised; a corrigendum moves it
    later)."""
    call = make_call(reference="TTGS-2027")
    promised = call.deadline
    with pytest.raises(CallRefused) as refused:
        update_call(call, {"deadline": promised - timedelta(days=3)}, None)
    assert [i.field for i in refused.value.issues] == ["deadline"]
    assert "can move later, never earlier" in str(refused.value)
    update_call(call, {"deadline": promised + timedelta(days=7)}, None)
    assert call.deadline == promised + timedelta(days=7)
    draft = make_call(reference="TTGS-DRAFT", status="draft")
    update_call(
        draft, {"deadline": draft.deadline - timedelta(days=3)}, None
    )  # not announced yet: free
