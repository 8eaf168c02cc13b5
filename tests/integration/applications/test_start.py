"""Starting an application: an open call, an eligible lead acting for a verified organisation,
within the cap."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from grants.models import Application, AuditEvent, Stage, StageStatus
from tests.factories import make_application, make_call, make_org


def _applications(db, org):
    return db.session.scalars(select(Application).where(Application.lead_id == org.id)).all()


def test_start_creates_a_draft_full_application(client, login_as, post, db):
    user = login_as("applicant")
    call = make_call(reference="TTGS-2026")
    db.session.commit()
    response = post(f"/applications/start/{call.id}", page="/applications")
    [application] = _applications(db, user.organisation)
    assert response.status_code == 302 and response.location.endswith(
        f"/applications/{application.id}"
    )
    assert [(s.stage, s.status) for s in application.stages] == [
        (Stage.full_application, StageStatus.draft)
    ]
    assert application.created_by_id == user.id and application.version == 1
    assert (
        db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.object_id == str(application.id))
        )
        == "application.started"
    )
    page = client.get(response.location).get_data(as_text=True)
    assert "has been started" in page and "Not started" in page


def test_restricted_call_starts_with_a_concept_note(client, login_as, post, db):
    user = login_as("applicant")
    call = make_call(procedure="restricted")
    db.session.commit()
    post(f"/applications/start/{call.id}", page="/applications")
    [application] = _applications(db, user.organisation)
    assert [s.stage for s in application.stages] == [Stage.concept_note]


def test_call_not_yet_open_is_refused(client, login_as, post, db):
    user = login_as("applicant")
    call = make_call(opens_in=timedelta(days=2), timezone="Europe/Berlin")
    db.session.commit()
    response = post(f"/applications/start/{call.id}", page="/applications", follow_redirects=True)
    assert "opens for applications on" in response.get_data(as_text=True)
    assert "(Europe/Berlin)" in response.get_data(as_text=True)
    assert _applications(db, user.organisation) == []


def test_deadline_passed_is_refused(client, login_as, post, db):
    user = login_as("applicant")
    call = make_call(opens_in=timedelta(days=-30), deadline_in=timedelta(seconds=-1))
    db.session.commit()
    response = post(f"/applications/start/{call.id}", page="/applications", follow_redirects=True)
    assert "has passed: no new application can be started" in response.get_data(as_text=True)
    assert _applications(db, user.organisation) == []


def test_restricted_call_after_the_concept_note_deadline_is_refused(client, login_as, post, db):
    user = login_as("applicant")
    call = make_call(
        procedure="restricted", opens_in=timedelta(days=-30), deadline_in=timedelta(days=10)
    )
    call.concept_note_deadline = call.opens_at + timedelta(
        days=1
    )  # passed; the full deadline has not
    db.session.commit()
    response = post(f"/applications/start/{call.id}", page="/applications", follow_redirects=True)
    assert "has passed" in response.get_data(as_text=True)
    assert _applications(db, user.organisation) == []


def test_lead_type_not_allowed_is_refused(client, login_as, post, db):
    user = login_as("applicant", organisation=make_org("TR", "governorate"))
    call = make_call(lead_types=["municipality"])
    db.session.commit()
    response = post(f"/applications/start/{call.id}", page="/applications", follow_redirects=True)
    assert (
        "Your type of organisation may not lead an application in this call."
        in response.get_data(as_text=True)
    )
    assert _applications(db, user.organisation) == []


def test_lead_country_not_allowed_is_refused(client, login_as, post, db):
    user = login_as("applicant", organisation=make_org("US"))
    call = make_call()
    db.session.commit()
    response = post(f"/applications/start/{call.id}", page="/applications", follow_redirects=True)
    assert "Organisations from US may not lead an application in this call." in response.get_data(
        as_text=True
    )
    assert _applications(db, user.organisation) == []


def test_second_application_beyond_the_cap_is_refused(client, login_as, post, db):
    user = login_as("applicant")
    call = make_call(max_applications_per_lead=1)
    make_application(call, lead=user.organisation, status="submitted")
    db.session.commit()
    response = post(f"/applications/start/{call.id}", page="/applications", follow_redirects=True)
    assert (
        "already has 1 application(s) in this call that are not withdrawn; a lead applicant may "
        "send at most 1" in response.get_data(as_text=True)
    )
    assert len(_applications(db, user.organisation)) == 1


def test_a_withdrawn_application_does_not_count(client, login_as, post, db):
    user = login_as("applicant")
    call = make_call(max_applications_per_lead=1)
    make_application(call, lead=user.organisation, status="withdrawn")
    db.session.commit()
    post(f"/applications/start/{call.id}", page="/applications")
    assert len(_applications(db, user.organisation)) == 2


def test_unverified_organisation_cannot_start(client, login_as, post, db):
    user = login_as("applicant", organisation=make_org(verified=False))
    call = make_call()
    db.session.commit()
    response = post(f"/applications/start/{call.id}", page="/applications", follow_redirects=True)
    assert "has not been verified by the programme staff yet" in response.get_data(as_text=True)
    assert _applications(db, user.organisation) == []


def test_pending_member_cannot_start(client, login_as, post, db):
    user = login_as("applicant", organisation=make_org(), verified_member=False)
    call = make_call()
    db.session.commit()
    response = post(f"/applications/start/{call.id}", page="/applications", follow_redirects=True)
    assert "is waiting for verification" in response.get_data(as_text=True)
    assert _applications(db, user.organisation) == []


def test_draft_call_is_not_found(client, login_as, post, db):
    login_as("applicant")
    call = make_call(status="draft")
    db.session.commit()
    assert post(f"/applications/start/{call.id}", page="/applications").status_code == 404


def test_anonymous_user_is_sent_to_log_in(client, db):
    response = client.get("/applications")
    assert response.status_code == 302 and "/auth/login?next=%2Fapplications" in response.location
