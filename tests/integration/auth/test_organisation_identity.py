"""A verified organisation that changes its name, type, country or legal identifier goes back to
staff."""

from sqlalchemy import select

from grants.models import AuditEvent, OutboxMessage, StageStatus
from tests.factories import make_org, make_user
from tests.factories.submission import ready_application

PROFILE = {
    "name": "Nilüfer Belediyesi",
    "type": "municipality",
    "country": "TR",
    "region": "Bursa",
    "population": "500000",
    "legal_id": "TR-16-1",
    "address": "Nilüfer, Bursa",
}


def _verified_member(login_as):
    org = make_org(name=PROFILE["name"], legal_id=PROFILE["legal_id"], region="Bursa")
    return login_as("applicant", organisation=org)


def test_renaming_a_verified_organisation_sends_it_back_to_staff(client, db, login_as, post):
    staff = make_user("staff")
    user = _verified_member(login_as)
    page = post(
        "/auth/organisation",
        {**PROFILE, "name": "Stadt Nilüfer GmbH", "country": "DE", "legal_id": "HRB-999"},
        follow_redirects=True,
    )
    text = page.get_data(as_text=True)
    assert (
        "programme staff verified (Name of the local authority, Country, Legal identifier)" in text
    )
    org = user.organisation
    db.session.refresh(org)
    assert org.verified_at is None and org.identity_changed_at is not None
    assert org.identity_changes == {
        "name": ["Nilüfer Belediyesi", "Stadt Nilüfer GmbH"],
        "country": ["TR", "DE"],
        "legal_id": ["TR-16-1", "HRB-999"],
    }
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "identity_changed"))
    assert event.before["name"] == "Nilüfer Belediyesi" and event.after["verified_at"] is None
    notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == staff.email))
    assert "Stadt Nilüfer GmbH changed its identity" in notice.subject
    assert (
        "Country: Türkiye → Germany" in notice.body
        and "Legal identifier: TR-16-1 → HRB-999" in notice.body
    )
    assert not user.acts_for_organisation
    assert "must verify it again" in client.get("/applications").get_data(as_text=True)


def test_other_profile_changes_keep_the_verification(client, db, login_as, post):
    user = _verified_member(login_as)
    page = post(
        "/auth/organisation",
        {
            **PROFILE,
            "region": "Bursa ili",
            "population": "510000",
            "address": "Yeni adres",
            "partner_description": "Youth exchange",
        },
        follow_redirects=True,
    )
    assert "The organisation&#39;s profile is saved." in page.get_data(as_text=True)
    db.session.refresh(user.organisation)
    assert (
        user.organisation.verified_at is not None and user.organisation.identity_changed_at is None
    )
    assert user.organisation.region == "Bursa ili"


def test_an_organisation_waiting_for_a_new_verification_cannot_submit(client, db, login_as, post):
    user = _verified_member(login_as)
    application = ready_application(user)
    post("/auth/organisation", {**PROFILE, "legal_id": "TR-16-2"})
    page = post(f"/applications/{application.id}/submit", page="/applications")
    assert page.status_code in (403, 404)
    db.session.refresh(application)
    assert application.stages[0].status is StageStatus.draft and application.reference is None
