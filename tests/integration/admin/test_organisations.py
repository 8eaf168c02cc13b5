"""Staff: organisations changed since verification first, duplicates flagged, verify what was seen,
reject, merge."""

from flask import current_app
from sqlalchemy import func, select

from grants.auth.queries import identity
from grants.auth.services.identity import identity_changed
from grants.models import AuditEvent, Organisation, OutboxMessage, User
from tests.factories import make_application, make_call, make_org, make_user

ACCOUNT = {
    "full_name": "Mehmet Demir",
    "email": "mehmet@nilufer.bel.tr",
    "password": "long enough pw",
    "confirm": "long enough pw",
}
ORG = {
    "name": "NILUFER   belediyesi",
    "type": "municipality",
    "country": "TR",
    "region": "Bursa",
    "population": "500000",
    "legal_id": "tr 16 1",
    "address": "Bursa",
}


def _changed(org: Organisation, **new) -> Organisation:
    """As the profile page leaves it: unverified, with what changed (tested in
    test_organisation_identity)."""
    before = identity(org)
    for field, value in new.items():
        setattr(org, field, value)
    with current_app.test_request_context():
        identity_changed(org, before)
    return org


def test_the_list_shows_changed_organisations_first_then_unverified_with_duplicates_flagged(
    client, db, login_as
):
    make_org(name="Aaa Verified")
    make_org(name="Bbb New", verified=False)
    _changed(make_org(name="Zzz Belediyesi"), name="Zzz Renamed")
    make_org(name="Ççç Twin", legal_id="TR-9", verified=False)
    make_org(name="Other", legal_id="tr9")
    login_as("staff")
    text = client.get("/admin/organisations").get_data(as_text=True)
    order = ["Zzz Renamed", "Bbb New", "Ççç Twin", "Aaa Verified"]
    assert sorted(order, key=text.index) == order
    assert "Changed since verification" in text and text.count("Possible duplicate") == 2


def test_staff_search_matches_turkish_letters_and_legal_identifiers(client, db, login_as):
    make_org(name="Şişli Belediyesi", legal_id="TR-34-7")
    make_org(name="Üsküdar Belediyesi")
    login_as("staff")
    for q in ("sisli", "ŞİŞLİ", "tr347"):
        text = client.get("/admin/organisations", query_string={"q": q}).get_data(as_text=True)
        assert "Şişli Belediyesi" in text and "Üsküdar" not in text, q


def test_staff_see_what_changed_and_verify_only_what_they_saw(client, db, login_as, post):
    org = _changed(
        make_org(name="Nilüfer Belediyesi", legal_id="TR-16-1"), name="Stadt Nilüfer", country="DE"
    )
    db.session.commit()
    login_as("staff")
    page = client.get(f"/admin/organisations/{org.id}").get_data(as_text=True)
    assert "<del>Nilüfer Belediyesi</del> → <strong>Stadt Nilüfer</strong>" in page
    seen = {"name": "Stadt Nilüfer", "type": "municipality", "country": "DE", "legal_id": "TR-16-1"}
    org.name = "Stadt Nilüfer GmbH"  # changed again while staff read the page
    db.session.commit()
    page = post(
        f"/admin/organisations/{org.id}/verify",
        seen,
        page=f"/admin/organisations/{org.id}",
        follow_redirects=True,
    )
    assert "changed while you were reading it" in page.get_data(as_text=True)
    db.session.refresh(org)
    assert org.verified_at is None
    post(
        f"/admin/organisations/{org.id}/verify",
        {**seen, "name": "Stadt Nilüfer GmbH"},
        page=f"/admin/organisations/{org.id}",
    )
    db.session.refresh(org)
    assert (
        org.verified_at is not None
        and org.identity_changed_at is None
        and org.identity_changes is None
    )


def test_a_duplicate_registration_is_flagged_to_the_user_and_to_staff(client, db, post):
    original = make_org(name="Nilüfer Belediyesi", legal_id="TR-16-1")
    staff = make_user("staff")
    db.session.commit()
    page = post("/auth/register", {**ORG, **ACCOUNT}, follow_redirects=True)
    assert (
        "Another organisation is already registered with the same name or legal identifier: "
        "Nilüfer Belediyesi" in page.get_data(as_text=True)
    )
    user = db.session.scalar(select(User).where(User.email == ACCOUNT["email"]))
    link = db.session.scalar(select(OutboxMessage.body).where(OutboxMessage.to == user.email))
    post(link[link.index("/auth/confirm/") :].split()[0])
    notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == staff.email))
    assert "Possible duplicate" in notice.body and original.name in notice.body


def test_a_rename_to_another_organisation_s_name_is_flagged(client, db, login_as, post):
    make_org(name="Çankaya Belediyesi", legal_id="TR-6")
    user = login_as("applicant", organisation=make_org(name="Cankaya", legal_id="X-1"))
    page = post(
        "/auth/organisation",
        {**ORG, "name": "CANKAYA BELEDIYESI", "legal_id": "X-1"},
        follow_redirects=True,
    )
    assert "Another organisation is already registered" in page.get_data(as_text=True)
    assert user.organisation.verified_at is None  # and the rename asks staff again


def test_rejecting_needs_a_reason_tells_the_users_and_stops_them(client, db, login_as, post):
    org = make_org(name="Fake Town", verified=False)
    member = make_user("applicant", organisation=org)
    db.session.commit()
    login_as("staff")
    url = f"/admin/organisations/{org.id}"
    page = post(f"{url}/reject", {"reason": "  "}, page=url)
    assert (
        page.status_code == 400
        and "Reason for the rejection: Enter the reason" in page.get_data(as_text=True)
    )
    post(f"{url}/reject", {"reason": "Not a local authority."}, page=url)
    db.session.refresh(org)
    assert org.rejected_at is not None and org.rejection_reason == "Not a local authority."
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "reject"))
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == member.email))
    assert "was rejected" in mail.subject and "Not a local authority." in mail.body
    post(f"{url}/verify", {}, page=url)
    db.session.refresh(org)
    assert org.verified_at is None  # a rejected registration cannot be verified
    login_as(user=member)
    assert "rejected the registration" in client.get("/applications").get_data(as_text=True)
    assert "Not a local authority." in client.get("/auth/organisation").get_data(as_text=True)


def test_merging_moves_the_users_to_the_original_as_members_to_verify(client, db, login_as, post):
    original = make_org(name="Nilüfer Belediyesi", legal_id="TR-16-1")
    colleague = make_user("applicant", organisation=original)
    duplicate = make_org(
        name="Nilufer belediyesi",
        legal_id="",
        verified=False,
        seeking_partner=True,
        partner_description="Youth",
    )
    newcomer = make_user("applicant", organisation=duplicate)
    db.session.commit()
    login_as("staff")
    url = f"/admin/organisations/{duplicate.id}"
    assert "Merge into Nilüfer Belediyesi" in client.get(url).get_data(as_text=True)
    page = post(f"{url}/merge", {"into": str(original.id)}, page=url)
    assert (
        page.status_code == 302
        and page.headers["Location"] == f"/admin/organisations/{original.id}"
    )
    db.session.refresh(newcomer)
    db.session.refresh(duplicate)
    assert newcomer.organisation_id == original.id and newcomer.member_verified_at is None
    assert (
        duplicate.merged_into_id == original.id and duplicate.partner_description == "Youth"
    )  # kept, closed
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "merge"))
    assert (
        db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == newcomer.email)).subject
        == "Your registration was merged into Nilüfer Belediyesi"
    )
    assert (
        db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == colleague.email)).subject
        == "A new member waits for verification"
    )


def test_a_duplicate_with_applications_or_not_a_duplicate_is_not_merged(client, db, login_as, post):
    original = make_org(name="Nilüfer Belediyesi")
    duplicate = make_org(name="NİLÜFER BELEDİYESİ")
    make_application(make_call(), lead=duplicate)
    unrelated = make_org(name="Somewhere else")
    db.session.commit()
    login_as("staff")
    url = f"/admin/organisations/{duplicate.id}"
    page = post(f"{url}/merge", {"into": str(original.id)}, page=url, follow_redirects=True)
    assert "takes part in applications, so merging it would lose them" in page.get_data(
        as_text=True
    )
    page = post(f"{url}/merge", {"into": str(unrelated.id)}, page=url, follow_redirects=True)
    assert (
        "Merge only into an organisation with the same name or legal identifier"
        in page.get_data(as_text=True)
    )
    db.session.refresh(duplicate)
    assert duplicate.merged_into_id is None and duplicate.verified_at is not None


def test_a_verified_or_already_rejected_organisation_is_not_rejected_again(
    client, db, login_as, post
):
    verified, fake = make_org(name="Real Town"), make_org(name="Fake Town", verified=False)
    db.session.commit()
    login_as("staff")
    for org in (fake, fake, verified):  # the second is a double click
        url = f"/admin/organisations/{org.id}"
        post(f"{url}/reject", {"reason": "Not a local authority."}, page=url)
    assert (
        db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "reject"))
        == 1
    )
    db.session.refresh(verified)
    assert verified.rejected_at is None
