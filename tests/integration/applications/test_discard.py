"""One draft per lead per call (docs/domain.md 3): Start twice leads to the same draft, the database
refuses a second one, and a draft that was never submitted can be discarded."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from grants.applications import services
from grants.extensions import db as database
from grants.models import Application, AuditEvent, OutboxMessage
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories.submission import PDF, upload


def _drafts(org) -> list[Application]:
    database.session.expire_all()
    return database.session.scalars(select(Application).where(Application.lead_id == org.id)).all()


def test_starting_twice_leads_to_the_one_draft(client, login_as, post, db):
    user = login_as("applicant")
    call = make_call(max_applications_per_lead=2)
    db.session.commit()
    first = post(f"/applications/start/{call.id}", page="/applications")
    second = post(f"/applications/start/{call.id}", page="/applications", follow_redirects=True)
    [draft] = _drafts(user.organisation)
    assert first.location.endswith(f"/applications/{draft.id}")
    assert "already has a draft application" in second.get_data(as_text=True)


def test_two_starts_at_the_same_moment_make_one_draft(client, login_as, post, db, monkeypatch):
    """Both requests look before either inserts: the database's unique index decides, the loser is
    led to the winner's draft without an error."""
    user = login_as("applicant")
    call = make_call(max_applications_per_lead=2)
    other = make_application(call, lead=user.organisation)  # the other request's draft, already in
    db.session.commit()
    real, looks = services.open_draft, []

    def open_draft(*args):  # this request's first look came before the other's insert
        looks.append(args)
        return None if len(looks) == 1 else real(*args)

    monkeypatch.setattr(services, "open_draft", open_draft)
    response = post(f"/applications/start/{call.id}", page="/applications")
    assert response.status_code == 302 and response.location.endswith(f"/applications/{other.id}")
    assert [a.id for a in _drafts(user.organisation)] == [other.id] and len(looks) == 2


def test_the_database_refuses_a_second_draft_but_not_a_second_submitted_application(db):
    call, lead = make_call(), make_org()
    make_application(call, lead=lead, status="submitted")
    make_application(call, lead=lead)  # a draft beside a submitted one: fine
    with pytest.raises(IntegrityError), db.session.begin_nested():
        make_application(call, lead=lead)


def test_a_draft_is_discarded_with_its_files_and_partners_told(client, login_as, post, db, uploads):
    user = login_as("applicant")
    partner = make_org("DE", "local_authority", name="Stadt Kehl")
    make_user("applicant", organisation=partner, email="kehl@example.org")
    application = make_application(
        make_call(reference="DISC-1"), lead=user.organisation, partners=[partner]
    )
    db.session.commit()
    upload(post, application, "declaration", PDF, "declaration.pdf")
    [stored] = [p for p in uploads.rglob("*") if p.is_file()]
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert f'href="/applications/{application.id}/discard"' in page
    confirm = client.get(f"/applications/{application.id}/discard").get_data(as_text=True)
    assert "cannot be undone" in confirm
    response = post(f"/applications/{application.id}/discard", {}, follow_redirects=True)
    assert "The draft application was discarded" in response.get_data(as_text=True)
    assert _drafts(user.organisation) == [] and not stored.exists()
    assert (
        db.session.scalar(
            select(AuditEvent.action)
            .where(AuditEvent.object_id == str(application.id))
            .order_by(AuditEvent.id.desc())
        )
        == "application.discarded"
    )
    told = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.to == "kehl@example.org")
    ).all()
    assert [m.subject for m in told] == ["A draft application you were proposed for was discarded"]
    assert (
        post(f"/applications/start/{application.call_id}", page="/applications").status_code == 302
    )
    assert len(_drafts(user.organisation)) == 1  # a fresh one


def test_a_submitted_application_is_not_discarded(client, login_as, post, db):
    user = login_as("applicant")
    application = make_application(make_call(), lead=user.organisation, status="submitted")
    db.session.commit()
    response = post(f"/applications/{application.id}/discard", {})
    assert response.status_code == 409 and "it cannot be discarded" in response.get_data(
        as_text=True
    )
    assert len(_drafts(user.organisation)) == 1


def test_a_draft_is_not_withdrawn_but_discarded(client, login_as, post, db):
    user = login_as("applicant")
    application = make_application(make_call(), lead=user.organisation)
    db.session.commit()
    page = client.get(f"/applications/{application.id}/withdraw").get_data(as_text=True)
    assert "nothing to withdraw" in page and f"/applications/{application.id}/discard" in page
    post(f"/applications/{application.id}/withdraw", {"reason": "Changed our minds"})
    assert _drafts(user.organisation)[0].stages[0].status.value == "draft"


def test_a_partner_cannot_discard_the_leads_draft(client, login_as, post, db):
    partner = make_org("DE", "local_authority")
    user = login_as("applicant", organisation=partner)
    application = make_application(make_call(), partners=[partner])
    db.session.commit()
    assert post(f"/applications/{application.id}/discard", {}).status_code == 404
    assert database.session.get(Application, application.id) is not None
    assert user.organisation_id == partner.id
