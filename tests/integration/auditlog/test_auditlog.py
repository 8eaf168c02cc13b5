"""The staff audit-log page: every state change with who, when, before and after; filters by call,
application, user and days; paginated at a constant number of queries; English and Turkish; times in
the call's zone. And the trail itself: each event knows its call and application, and a ranking
records each decision it changes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from grants.audit import record
from grants.auditlog.queries import PER_PAGE
from grants.awards import rank_call
from grants.extensions import db as database
from grants.models import Application, Assignment, AuditEvent, Evaluation
from tests.conftest import count_queries
from tests.factories import make_call, make_org, make_user
from tests.factories.awards import add_application
from tests.factories.records import WHY_NOT_SELECTED, call_with_record, stage_of

URL = "/staff/audit"


def text(response) -> str:
    return response.get_data(as_text=True)


def rows(page: str) -> list[str]:
    """The table's rows, each as its text."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in body.split("</tr>")[:-1]
    ]


def at(moment: datetime, event: AuditEvent) -> AuditEvent:
    event.at = moment
    return event


@pytest.fixture
def record_call(db):
    call, staff = call_with_record()
    return call, staff


def test_only_staff_see_the_audit_log(client, db, login_as):
    assert client.get(URL).status_code == 302
    for role in ("applicant", "evaluator"):
        login_as(role)
        assert client.get(URL).status_code == 403
    login_as("staff")
    assert client.get(URL).status_code == 200


def test_staff_filter_by_application_and_see_the_override_with_its_justification(
    client, db, login_as, record_call
):
    call, staff = record_call
    login_as("staff")
    page = text(client.get(URL, query_string={"application": "ttgs-demo-0036 "}))
    found = rows(page)
    assert found and all("TTGS-DEMO-0036" in row for row in found)
    override = next(row for row in found if "Decision changed by staff" in row)
    assert "Selin Yıldız" in override and "selin.yildiz@example.org" in override
    assert (
        "Status: Awarded → Not selected" in override
        and "Awarded amount: €100,000.00 → –" in override
    )
    assert f"Justification: {WHY_NOT_SELECTED}" in override.replace("&#39;", "'")
    assert "(Europe/Istanbul)" in override
    assert any(
        "Decision proposed by the ranking" in row and "Status: Admissible → Awarded" in row
        for row in found
    )
    assert 'value="TTGS-DEMO-0036"' in page  # what was typed stays


def test_filters_by_call_user_and_days(client, db, login_as):
    staff = login_as("staff", name="Deniz Staff", email="deniz@example.org")
    other = make_user("staff", name="Ozan Other")
    first, second = make_call("FIRST-1", timezone="Europe/Berlin"), make_call("SECOND-1")
    app_first = add_application(first, [])
    events = [
        at(
            datetime(2026, 3, 1, 22, 30, tzinfo=UTC),
            record("call.updated", first, user_id=staff.id),
        ),  # Mar 1 in Berlin
        at(
            datetime(2026, 3, 2, 23, 30, tzinfo=UTC),
            record("call.updated", first, user_id=other.id),
        ),  # Mar 3 in Berlin
        at(
            datetime(2026, 3, 2, 9, 0, tzinfo=UTC), record("call.updated", second, user_id=staff.id)
        ),
        at(
            datetime(2026, 3, 2, 10, 0, tzinfo=UTC),
            record("application.withdrawn", app_first, user_id=other.id),
        ),
    ]
    db.session.commit()

    def shown(**query) -> list[str]:
        response = client.get(URL, query_string=query)
        assert response.status_code == 200
        return rows(text(response))

    assert len(shown()) >= 4
    by_call = shown(call=first.id)
    assert len(by_call) == 3 and not any("SECOND-1" in row for row in by_call)
    assert all("(Europe/Berlin)" in row for row in by_call)
    by_user = shown(user="ozan")
    assert len(by_user) == 2 and all("Ozan Other" in row for row in by_user)
    assert len(shown(user="DENIZ@example")) == 2
    # days of the call's zone: 22:30 UTC on 1 March is 23:30 in Berlin, 23:30 UTC on 2 March is
    # 00:30 on 3 March
    assert len(shown(call=first.id, since="2026-03-02", until="2026-03-02")) == 1
    assert len(shown(call=first.id, since="2026-03-01", until="2026-03-01")) == 1
    assert len(shown(call=first.id, since="2026-03-03")) == 1
    application_only = shown(application=app_first.reference)
    assert len(application_only) == 1 and "Application withdrawn" in application_only[0]
    assert events[2].call_id == second.id and events[3].application_id == app_first.id


def test_bad_filters_are_named_and_kept(client, db, login_as):
    login_as("staff")
    page = text(client.get(URL, query_string={"since": "2026-13-40", "until": "yesterday"}))
    assert "There is a problem" in page and "Enter a day such as 2026-12-07." in page
    assert 'value="2026-13-40"' in page and "<tbody>" not in page
    page = text(client.get(URL, query_string={"since": "2026-03-05", "until": "2026-03-01"}))
    assert "The last day must be on or after the first day." in page
    page = text(client.get(URL, query_string={"application": "NOPE-0001"}))
    assert "No application has the reference NOPE-0001." in page and 'value="NOPE-0001"' in page
    assert client.get(URL, query_string={"page": "10" * 20, "call": "x"}).status_code == 200


def test_pages_of_fifty_at_a_constant_number_of_queries(app, client, db, login_as):
    staff = login_as("staff")
    call = make_call("MANY-1")
    applications = [add_application(call, []) for _ in range(3)]

    def add(count: int) -> None:
        for i in range(count):
            record(
                "application.project_saved",
                applications[i % 3],
                user_id=staff.id,
                after={"title": f"T{i}"},
            )
            record("verify", make_org(), user_id=staff.id)
        db.session.commit()

    def queries(**query) -> int:
        client.get(URL, query_string=query)  # warm up
        with count_queries(db.engine) as statements:
            assert client.get(URL, query_string=query).status_code == 200
        return len(statements)

    add(5)
    few = [
        queries(),
        queries(call=call.id),
        queries(application=applications[0].reference, user="a"),
    ]
    add(40)
    assert [
        queries(),
        queries(call=call.id),
        queries(application=applications[0].reference, user="a"),
    ] == few
    page = text(client.get(URL))
    assert len(rows(page)) == PER_PAGE and "Next" in page
    second = text(client.get(URL, query_string={"page": 2}))
    assert 0 < len(rows(second)) < PER_PAGE and 'aria-current="page">2<' in second


def test_the_audit_log_in_turkish(client, db, login_as, record_call):
    login_as("staff", locale="tr")
    page = text(client.get(URL, query_string={"application": "TTGS-DEMO-0023"}))
    assert "Denetim kaydı" in page and "Personelin değiştirdiği karar" in page and "Gerekçe" in page
    assert "Decision changed by staff" not in page


def test_every_event_knows_its_call_and_application(db):
    call, _staff = call_with_record()
    stage = stage_of("TTGS-DEMO-0001")
    assignment = database.session.scalar(
        select(Assignment).where(Assignment.stage_id == stage.id, Assignment.evaluation.has())
    )
    evaluation = database.session.scalar(
        select(Evaluation).where(Evaluation.assignment_id == assignment.id)
    )
    for obj in (stage, assignment, evaluation, stage.application):
        event = record("test.scope", obj)
        assert (event.call_id, event.application_id) == (call.id, stage.application_id), obj
    assert (record("test.scope", call).call_id, record("test.scope", make_org()).call_id) == (
        call.id,
        None,
    )


def test_a_ranking_records_each_decision_it_changes(db):
    call = make_call("RANKED-1", status="evaluation")
    for _ in range(3):
        add_application(call, [4, 4])
    db.session.commit()
    rank_call(call.id)
    events = database.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "application.ranked").order_by(AuditEvent.id)
    ).all()
    assert len(events) == 3 and {e.call_id for e in events} == {call.id}
    assert {e.after["status"] for e in events} == {"awarded"} and {
        e.before["status"] for e in events
    } == {"admissible"}
    assert {e.application_id for e in events} == set(
        database.session.scalars(select(Application.id).where(Application.call_id == call.id))
    )
    rank_call(call.id)  # nothing changes: nothing recorded
    assert (
        database.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "application.ranked")
        )
        == 3
    )


def test_a_bundle_import_names_what_it_recorded(app):
    """The import event's fields read as words, not as the keys the code wrote (seen on the demo's
    audit log)."""
    from grants.auditlog.presenters import changes

    with app.test_request_context():
        shown = changes(
            None,
            {"reference": "TTGS-DEMO", "applications": 48, "replaced": False},
            "Europe/Istanbul",
        )
    assert [c.field for c in shown] == [
        "Reference",
        "Applications",
        "Replaced the call of the same reference",
    ]
