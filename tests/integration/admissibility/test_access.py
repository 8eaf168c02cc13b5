"""Who may open the admissibility checks, and what the call's list costs."""

from __future__ import annotations

import pytest

from grants.extensions import db as _db
from tests.conftest import count_queries
from tests.factories import make_call, make_org
from tests.factories.submission import ready_application, text


def submitted(call):
    return ready_application(make_org(), call=call, status="submitted").stages[0]


@pytest.mark.parametrize("role", ["applicant", "evaluator"])
def test_applicants_and_evaluators_are_refused(client, login_as, db, role):
    call = make_call()
    stage = submitted(call)
    login_as(role)
    assert client.get(f"/staff/calls/{call.id}/admissibility").status_code == 403
    assert client.get(f"/staff/calls/{call.id}/admissibility/{stage.id}").status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, db):
    call = make_call()
    response = client.get(f"/staff/calls/{call.id}/admissibility")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]


def test_a_stage_of_another_call_or_a_draft_is_not_found(client, login_as, db):
    call, other = make_call(), make_call()
    stage = submitted(other)
    draft = ready_application(make_org(), call=call).stages[0]
    login_as("staff")
    assert client.get(f"/staff/calls/{call.id}/admissibility/{stage.id}").status_code == 404
    assert client.get(f"/staff/calls/{call.id}/admissibility/{draft.id}").status_code == 404
    assert client.get("/staff/calls/999999/admissibility").status_code == 404


def test_the_list_shows_each_submitted_stage_and_its_check(client, login_as, db):
    call = make_call()
    stage = submitted(call)
    ready_application(make_org(), call=call, title="Still a draft")
    login_as("staff")
    page = text(client.get(f"/staff/calls/{call.id}/admissibility"))
    assert stage.application.reference in page and "Not checked yet" in page
    assert "Still a draft" not in page
    assert "Admissibility checks" in text(client.get(f"/staff/calls/{call.id}"))


def _list_queries(client, call) -> int:
    with count_queries(_db.engine) as statements:
        assert client.get(f"/staff/calls/{call.id}/admissibility").status_code == 200
    return len(statements)


def test_the_list_costs_the_same_queries_for_5_or_30_applications(client, login_as, db):
    small, large = make_call(), make_call()
    for _ in range(5):
        submitted(small)
    for _ in range(30):
        submitted(large)
    login_as("staff")
    assert _list_queries(client, small) == _list_queries(client, large)
