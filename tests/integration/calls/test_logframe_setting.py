"""The call setting `logframe_required`: off by default, set from the call form, shown on the call
page, and frozen (shown read-only) once an application was submitted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.models import Call
from tests.factories import make_call
from tests.factories.calls import form_data, submit_application
from tests.factories.submission import text

NEW = "/staff/calls/new"


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def test_off_by_default_and_set_by_ticking_the_box(client, staff, post, db):
    page = client.get(NEW).get_data(as_text=True)
    assert (
        'name="logframe_required"' in page
        and "checked" not in page.split('name="logframe_required"')[0].rsplit("<input", 1)[-1]
    )
    assert post(NEW, form_data()).status_code == 302
    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-2030"))
    assert call.logframe_required is False
    data = form_data(title="Now required") | {"logframe_required": "y"}
    assert post(f"/staff/calls/{call.id}/edit", data).status_code == 302
    db.session.expire_all()
    assert call.logframe_required is True
    page = text(client.get(f"/staff/calls/{call.id}"))
    assert 'Logical framework</dt><dd class="col-sm-8">Required for submission' in page


def test_frozen_once_an_application_was_submitted(client, staff, post, db):
    call = make_call(reference="TTGS-2031")
    submit_application(call)
    db.session.commit()
    page = text(client.get(f"/staff/calls/{call.id}/edit"))
    assert 'name="logframe_required"' not in page
    assert "Applications must include a logical framework</div>" in page
    assert 'id="logframe_required">No</div>' in page
    response = post(
        f"/staff/calls/{call.id}/edit",
        {k: v for k, v in form_data(reference="TTGS-2031").items() if not k.startswith("lots-")}
        | {"logframe_required": "y"},
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert call.logframe_required is False
