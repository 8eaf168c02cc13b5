"""The task list with each section's state, and who may see an application (404 for the rest)."""

from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest

from grants.applications.queries.page import TaskStatus, task_list
from grants.models import (
    Application,
    ApplicationStage,
    Attachment,
    AttachmentKind,
    PartnerStatus,
    Stage,
)
from tests.factories import make_application, make_call, make_org, make_user


def _states(application) -> dict[str, TaskStatus]:
    return {task.key: task.status for task in task_list(application)}


_stored = itertools.count(1)


def _attach(db, application, kind, org=None):
    application.attachments.append(
        Attachment(
            kind=kind,
            organisation_id=org.id if org else None,
            original_name="file.pdf",
            stored_name=f"stored-{next(_stored)}",
            content_type="application/pdf",
            size=10,
        )
    )
    db.session.flush()


def test_new_application_has_nothing_started(db):
    call = make_call()
    application = Application(call=call, lead=make_org())
    application.stages.append(ApplicationStage(stage=Stage.full_application))
    db.session.add(application)
    db.session.flush()
    assert set(_states(application).values()) == {TaskStatus.not_started}


def test_complete_application_sections(db):
    application = make_application(make_call())
    states = _states(application)
    assert states["project"] is states["partnership"] is states["budget"] is TaskStatus.completed
    assert states["attachments"] is TaskStatus.not_started
    _attach(db, application, AttachmentKind.declaration)
    assert _states(application)["attachments"] is TaskStatus.in_progress
    _attach(
        db, application, AttachmentKind.partnership_statement, application.partners[0].organisation
    )
    assert _states(application)["attachments"] is TaskStatus.completed


@pytest.mark.parametrize(
    "field",
    [
        "title",
        "acronym",
        "theme",
        "summary",
        "objectives",
        "activities",
        "expected_results",
        "start_month",
        "duration_months",
    ],
)
def test_project_in_progress_while_a_field_is_missing(db, field):
    application = make_application(make_call())
    setattr(application, field, None if field in ("start_month", "duration_months") else "  ")
    assert _states(application)["project"] is TaskStatus.in_progress


def test_project_needs_a_lot_when_the_call_has_lots(db):
    call = make_call(lots=[("Environment", Decimal("1300000")), ("Culture", Decimal("1300000"))])
    application = make_application(call)
    assert _states(application)["project"] is TaskStatus.completed
    application.lot = None
    application.lot_id = None
    assert _states(application)["project"] is TaskStatus.in_progress


def test_partnership_needs_every_partner_confirmed(db):
    application = make_application(make_call(), confirmed=False)
    assert _states(application)["partnership"] is TaskStatus.in_progress


def test_partnership_needs_the_partner_count_within_the_call_range(db):
    call = make_call(partners_min=2)
    application = make_application(call)
    assert _states(application)["partnership"] is TaskStatus.in_progress


def test_budget_in_progress_while_it_misses_a_limit(db):
    application = make_application(make_call(), requested_grant=Decimal("130000.01"))
    assert _states(application)["budget"] is TaskStatus.in_progress


def test_budget_in_progress_without_lines(db):
    application = make_application(make_call())
    application.budget_lines.clear()
    assert _states(application)["budget"] is TaskStatus.in_progress


def test_budget_in_progress_with_a_line_of_an_organisation_outside_the_partnership(db):
    application = make_application(make_call())
    application.partners[0].status = PartnerStatus.declined
    assert _states(application)["budget"] is TaskStatus.in_progress


# Pages and permissions
# -------------------------------------------------------------------------------


def test_lead_member_sees_the_task_list_with_links(client, login_as, db):
    user = login_as("applicant")
    application = make_application(make_call(), lead=user.organisation)
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    for href in ("project", "partnership", "budget", "attachments", "check"):
        assert f'href="/applications/{application.id}/{href}"' in page
    assert page.count("Completed") == 3 and "Not started" in page


@pytest.mark.parametrize("who", ["other_municipality", "evaluator", "uninvited_partner", "staff"])
def test_others_get_not_found(client, login_as, db, who):
    application = make_application(make_call())
    if who == "other_municipality":
        login_as("applicant")
    elif who == "uninvited_partner":
        login_as("applicant", organisation=make_org("DE", "local_authority"))
    else:
        login_as(who)
    db.session.commit()
    for path in ("", "/project", "/budget"):
        assert client.get(f"/applications/{application.id}{path}").status_code == 404


def test_partner_member_sees_it_read_only(client, login_as, db):
    partner = make_org("DE", "local_authority")
    login_as("applicant", organisation=partner)
    application = make_application(make_call(), partners=[partner], title="Twin parks")
    db.session.commit()
    response = client.get(f"/applications/{application.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Twin parks" in page and "Study visits" in page
    assert f"/applications/{application.id}/project" not in page
    assert client.get(f"/applications/{application.id}/project").status_code == 404
    assert client.get(f"/applications/{application.id}/budget").status_code == 404


def test_staff_see_a_submitted_application_read_only(client, login_as, db):
    login_as("staff")
    application = make_application(
        make_call(reference="TTGS-2026"), status="submitted", title="Twin parks"
    )
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Twin parks" in page and "TTGS-2026-0001" in page and "Submitted" in page
    assert "Total eligible costs" in page and "€107,000.00" in page
    assert f"/applications/{application.id}/budget" not in page
    assert client.get(f"/applications/{application.id}/budget").status_code == 404


def test_lead_sees_a_submitted_application_read_only_with_reference(client, login_as, db):
    user = login_as("applicant")
    application = make_application(
        make_call(reference="TTGS-2026"), lead=user.organisation, status="submitted"
    )
    db.session.commit()
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "TTGS-2026-0001" in page and "Submitted" in page
    assert f'href="/applications/{application.id}/project"' not in page
    assert f"/applications/{application.id}/receipt.pdf" in page
    assert client.get(f"/applications/{application.id}/project").status_code == 403


def test_a_pending_member_of_the_lead_gets_not_found(client, login_as, db):
    lead = make_org()
    make_user(organisation=lead)
    login_as("applicant", organisation=lead, verified_member=False)
    application = make_application(make_call(), lead=lead)
    db.session.commit()
    assert client.get(f"/applications/{application.id}").status_code == 404


def test_the_task_list_says_plainly_when_the_deadline_has_passed(client, login_as, db):
    user = login_as("applicant")
    late = make_application(
        make_call(deadline_in=timedelta(hours=-2), opens_in=timedelta(days=-30)),
        lead=user.organisation,
    )
    open_ = make_application(
        make_call(deadline_in=timedelta(days=3, hours=5)), lead=user.organisation
    )
    db.session.commit()
    page = client.get(f"/applications/{late.id}").get_data(as_text=True)
    assert (
        "The deadline has passed" in page
        and "can no longer be submitted" in page
        and "(passed)" in page
    )
    assert "Complete your application" not in page
    page = client.get(f"/applications/{open_.id}").get_data(as_text=True)
    assert "Complete your application" in page and (
        "3 days 4 hours left" in page or "3 days 5 hours left" in page
    )
    assert "The deadline has passed" not in page
