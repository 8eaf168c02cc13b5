"""The evaluation-grid editor: sections, criteria, weights, thresholds; rows added without
JavaScript."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.models import AuditEvent, Stage
from tests.factories import make_call
from tests.factories.calls import grid_data, submit_application


@pytest.fixture
def call(db, login_as):
    login_as("staff")
    call = make_call(status="draft")
    db.session.commit()
    return call


def url(call, stage="full_application"):
    return f"/staff/calls/{call.id}/grids/{stage}"


def test_default_grid_shown_with_its_maxima(client, call):
    page = client.get(url(call)).get_data(as_text=True)
    assert 'value="Financial and operational capacity"' in page
    assert (
        '<strong class="js-section-max">20</strong>' in page
        and '<strong id="grid-total">100</strong>' in page
    )


def test_saving_a_changed_grid_recomputes_the_maxima(client, post, db, call):
    data = grid_data(
        **{
            "sections-0-criteria-0-weight": "2",
            "sections-4-criteria-1-remove": "y",
            "sections-1-criteria-2-description": "Who benefits",
        }
    )
    assert post(url(call), data).status_code == 302
    db.session.expire_all()
    grid = call.grid_for(Stage.full_application)
    assert grid.max_total == 100 + 5 - 5
    assert [c.code for c in grid.sections[4].criteria] == ["5.1"]
    assert (
        grid.sections[0].max_score == 25
        and grid.sections[1].criteria[2].description == "Who benefits"
    )
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "grid.updated")).before
        is not None
    )


@pytest.mark.parametrize(
    "over, message",
    [
        ({"sections-0-threshold": "21"}, "above the section&#39;s maximum of 20 points"),
        ({"pass_threshold": "101"}, "above the grid&#39;s maximum of 100 points"),
        ({"pass_threshold": ""}, "Enter the pass threshold in points"),
        ({"tie_break_section": "9"}, "Choose one of the grid&#39;s sections"),
        ({"sections-1-code": "1"}, "The code 1 is used twice"),
        ({"sections-1-criteria-0-code": "1.1"}, "The code 1.1 is used twice"),
        ({"sections-2-criteria-1-weight": "7"}, "Not a valid choice"),
        ({"sections-3-threshold": "abc"}, "Enter a number such as"),
    ],
)
def test_invalid_grids_are_refused_and_the_input_kept(client, post, db, call, over, message):
    response = post(url(call), grid_data(**over))
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert 'value="Lasting twinning link"' in page
    db.session.expire_all()
    assert call.grid_for(Stage.full_application).sections[0].threshold == Decimal("12")


def test_a_section_without_criteria_is_refused(client, post, call):
    data = {k: v for k, v in grid_data().items() if not k.startswith("sections-4-criteria")}
    page = post(url(call), data).get_data(as_text=True)
    assert "Section 5 has no criterion" in page


def test_add_rows_without_javascript(client, post, db, call):
    page = post(
        url(call),
        grid_data(**{"sections-1-criteria-0-title": "Kept", "sections-1-add_criterion": "y"}),
    )
    text = page.get_data(as_text=True)
    assert (
        page.status_code == 200
        and 'name="sections-1-criteria-3-code"' in text
        and 'value="Kept"' in text
    )
    text = post(url(call), grid_data(add_section="y")).get_data(as_text=True)
    assert 'name="sections-5-code"' in text and 'name="sections-5-criteria-1-code"' in text
    db.session.expire_all()
    assert (
        call.grid_for(Stage.full_application).sections[1].criteria[0].title
        == "Fit with the call's objectives"
    )


def test_a_new_section_can_be_saved(client, post, db, call):
    data = grid_data(
        **{
            "sections-5-code": "6",
            "sections-5-title": "Visibility",
            "sections-5-criteria-0-code": "6.1",
            "sections-5-criteria-0-title": "Communication",
            "sections-5-criteria-0-weight": "1",
        }
    )
    assert post(url(call), data).status_code == 302
    db.session.expire_all()
    assert call.grid_for(Stage.full_application).max_total == 105


def test_grid_locked_once_the_stage_has_submissions(client, post, db, call):
    submit_application(call)
    db.session.commit()
    assert 'name="sections-0-code"' not in client.get(url(call)).get_data(as_text=True)
    response = post(url(call), grid_data(pass_threshold="40"), page=f"/staff/calls/{call.id}")
    assert response.status_code == 400 and "This grid can no longer change" in response.get_data(
        as_text=True
    )
    db.session.expire_all()
    assert call.grid_for(Stage.full_application).pass_threshold == Decimal("50")
