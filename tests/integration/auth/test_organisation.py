"""'My organisation': verified members verify newcomers and edit the profile and partner search."""

from sqlalchemy import select

from grants.models import AuditEvent, OutboxMessage
from tests.factories import make_org, make_user

PROFILE = {
    "name": "Çankaya Belediyesi",
    "type": "municipality",
    "country": "TR",
    "region": "Ankara",
    "population": "920000",
    "legal_id": "TR-6",
    "address": "Ankara",
    "seeking_partner": "y",
    "partner_themes": "culture, youth , culture,",
    "partner_description": "Twinning for youth exchange",
    "partner_languages": "English, Turkish",
}


def test_verified_member_verifies_a_pending_colleague(client, db, login_as, post):
    org = make_org()
    newcomer = make_user("applicant", organisation=org, verified_member=False, name="Newcomer Kaya")
    member = login_as("applicant", organisation=org)
    text = client.get("/auth/organisation").get_data(as_text=True)
    assert "Newcomer Kaya" in text
    page = post(f"/auth/organisation/members/{newcomer.id}/verify", page="/auth/organisation")
    assert page.status_code == 302
    db.session.refresh(newcomer)
    assert newcomer.member_verified_by_id == member.id and newcomer.acts_for_organisation
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "verify_member", AuditEvent.object_id == str(newcomer.id)
        )
    )
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == newcomer.email))
    assert "Nobody is waiting." in client.get("/auth/organisation").get_data(as_text=True)


def test_pending_member_cannot_verify_or_edit(client, db, login_as, post):
    org = make_org()
    other = make_user("applicant", organisation=org, verified_member=False)
    login_as("applicant", organisation=org, verified_member=False)
    text = client.get("/auth/organisation").get_data(as_text=True)
    assert "Your membership waits for verification" in text and 'name="partner_themes"' not in text
    assert post(f"/auth/organisation/members/{other.id}/verify", page="/").status_code == 403
    assert post("/auth/organisation", PROFILE).status_code == 403


def test_member_of_unverified_organisation_cannot_act_yet(client, db, login_as, post):
    org = make_org(verified=False)
    other = make_user("applicant", organisation=org, verified_member=False)
    login_as("applicant", organisation=org)
    assert post(f"/auth/organisation/members/{other.id}/verify", page="/").status_code == 403
    db.session.refresh(other)
    assert other.member_verified_at is None


def test_cannot_verify_a_member_of_another_organisation(client, db, login_as, post):
    stranger = make_user("applicant", organisation=make_org(), verified_member=False)
    login_as("applicant")
    assert post(f"/auth/organisation/members/{stranger.id}/verify", page="/").status_code == 404
    assert post("/auth/organisation/members/999999/verify", page="/").status_code == 404
    db.session.refresh(stranger)
    assert stranger.member_verified_at is None


def test_profile_and_partner_search_are_saved_and_audited(client, db, login_as, post):
    user = login_as("applicant", organisation=make_org(name="Çankaya Belediyesi", legal_id="TR-6"))
    page = post("/auth/organisation", PROFILE)
    assert page.status_code == 302
    org = user.organisation
    db.session.refresh(org)
    assert org.name == "Çankaya Belediyesi" and org.population == 920000
    assert org.seeking_partner and org.partner_themes == ["culture", "youth"]
    assert org.partner_languages == ["English", "Turkish"]
    event = db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "update", AuditEvent.object_type == "Organisation"
        )
    )
    assert (
        event.after["partner_themes"] == ["culture", "youth"]
        and event.before["seeking_partner"] is False
    )
    text = client.get("/auth/organisation").get_data(as_text=True)
    assert 'value="culture, youth"' in text


def test_profile_errors_keep_what_was_typed(client, db, login_as, post):
    user = login_as("applicant")
    page = post("/auth/organisation", {**PROFILE, "name": "", "population": "many"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Name of the local authority: Enter the name of the local authority" in text
    assert "Population:" in text and 'value="culture, youth , culture,"' in text
    db.session.refresh(user.organisation)
    assert user.organisation.partner_themes == []


def test_evaluator_member_sees_the_organisation_read_only(client, db, login_as, post):
    org = make_org(name="Evaluator's home town")
    login_as("evaluator", organisation=org)
    text = client.get("/auth/organisation").get_data(as_text=True)
    assert "Evaluator&#39;s home town" in text and 'name="name"' not in text
    assert post("/auth/organisation", PROFILE, page="/").status_code == 403


def test_user_without_organisation_gets_404(client, db, login_as):
    login_as("staff")
    assert client.get("/auth/organisation").status_code == 404


def test_anonymous_is_sent_to_login(client, db):
    assert client.get("/auth/organisation").headers["Location"].startswith("/auth/login")
    assert client.post("/auth/organisation/members/1/verify").status_code == 400  # CSRF first
