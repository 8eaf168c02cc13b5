"""Registration: the address is confirmed by a link before the account can act; staff hear of new
registrations."""

import re

from sqlalchemy import select

from grants.auth.tokens import email_token
from grants.models import AuditEvent, OutboxMessage, User
from tests.factories import make_org, make_user

ORG = {
    "name": "Nilüfer Belediyesi",
    "type": "municipality",
    "country": "TR",
    "region": "Bursa",
    "population": "500000",
    "legal_id": "TR-16-123",
    "address": "Nilüfer, Bursa",
}
ACCOUNT = {
    "full_name": "Ayşe Yılmaz",
    "email": "ayse@nilufer.bel.tr",
    "password": "long enough pw",
    "confirm": "long enough pw",
}
LINK = re.compile(r"http://localhost(/auth/confirm/[\w.-]+)")


def _mails(db, to: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to == to).order_by(OutboxMessage.id)
        )
    )


def _register(db, post) -> User:
    """Register, then log in (allowed before the address is confirmed)."""
    assert post("/auth/register", {**ORG, **ACCOUNT}).status_code == 302
    signed_in = post("/auth/login", {"email": ACCOUNT["email"], "password": ACCOUNT["password"]})
    assert signed_in.headers["Location"] == "/auth/confirm"  # where an unconfirmed account lands
    return db.session.scalar(select(User).where(User.email == ACCOUNT["email"]))


def test_the_registering_user_is_sent_a_link_and_told_what_happens_next(client, db, post):
    post("/auth/register", {**ORG, **ACCOUNT})
    page = client.get("/auth/registered").get_data(as_text=True)
    assert (
        "We sent a message to ayse@nilufer.bel.tr" in page
        and "usually within 3 working days" in page
    )
    user = _register(db, post)
    mail = _mails(db, user.email)[0]
    assert mail.subject == "Confirm your e-mail address" and LINK.search(mail.body)
    assert "usually within 3 working days" in mail.body and "Nilüfer Belediyesi" in mail.body
    page = client.get("/auth/confirm").get_data(as_text=True)
    assert "We sent a link to ayse@nilufer.bel.tr" in page and "Send the link again" in page
    assert "usually within 3 working days" in page


def test_until_confirmed_every_page_but_the_public_ones_leads_to_the_confirmation_page(
    client, db, post
):
    _register(db, post)
    for url in ("/auth/organisation", "/applications", "/partners"):
        page = client.get(url)
        assert page.status_code == 302 and page.headers["Location"] == "/auth/confirm", url
    assert client.get("/").status_code == 200


def test_send_the_link_again(client, db, post):
    user = _register(db, post)
    page = post("/auth/confirm", {}, page="/auth/confirm")
    assert page.status_code == 302
    assert len(_mails(db, user.email)) == 2


def test_the_link_confirms_once_and_staff_are_told_of_the_registration(client, db, post):
    staff, admin = make_user("staff"), make_user("admin")
    other_applicant = make_user("applicant", organisation=make_org())
    db.session.commit()
    user = _register(db, post)
    path = LINK.search(_mails(db, user.email)[0].body).group(1)
    assert "Confirm this address" in client.get(path).get_data(
        as_text=True
    )  # opening the link changes nothing
    db.session.refresh(user)
    assert user.email_confirmed_at is None
    page = post(path)
    assert page.status_code == 302 and page.headers["Location"] == "/auth/organisation"
    db.session.refresh(user)
    assert user.email_confirmed_at is not None
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "confirm_email", AuditEvent.object_id == str(user.id)
        )
    )
    for member in (staff, admin):
        [notice] = _mails(db, member.email)
        assert notice.subject == "New registration to verify: Nilüfer Belediyesi"
        assert f"http://localhost/admin/organisations/{user.organisation_id}" in notice.body
    assert _mails(db, other_applicant.email) == []
    assert (
        client.get(path).status_code == 302
    )  # a second click: confirmed already, nobody told twice
    assert len(_mails(db, staff.email)) == 1
    assert "have not verified this organisation yet" in client.get("/auth/organisation").get_data(
        as_text=True
    )


def test_a_bad_expired_or_outdated_link_does_not_confirm(app, client, db, post):
    user = _register(db, post)
    assert client.get("/auth/confirm/not-a-token").status_code == 400
    token = email_token(user)
    app.config["TOKEN_MAX_AGE"] = -1  # every link is older than that
    assert client.get(f"/auth/confirm/{token}").status_code == 400
    app.config["TOKEN_MAX_AGE"] = 3600
    user.email = "other@nilufer.bel.tr"  # the link was sent to the earlier address
    db.session.commit()
    assert "has expired, or the address it confirms has changed" in client.get(
        f"/auth/confirm/{token}"
    ).get_data(as_text=True)
    db.session.refresh(user)
    assert user.email_confirmed_at is None


def test_an_unconfirmed_account_cannot_act_nor_be_verified_as_a_member(client, db, login_as, post):
    org = make_org()
    newcomer = make_user(
        "applicant", organisation=org, verified_member=False, email_confirmed_at=None
    )
    confirmed_member = make_user("applicant", organisation=org, email_confirmed_at=None)
    assert (
        not confirmed_member.acts_for_organisation
    )  # a verified member of a verified organisation, unconfirmed
    login_as(user=make_user("applicant", organisation=org))
    assert "Has not confirmed their e-mail address yet" in client.get(
        "/auth/organisation"
    ).get_data(as_text=True)
    page = post(f"/auth/organisation/members/{newcomer.id}/verify", {}, page="/auth/organisation")
    assert page.status_code == 302
    db.session.refresh(newcomer)
    assert newcomer.member_verified_at is None


def test_a_joiner_s_colleagues_hear_of_them_once_their_address_is_confirmed(client, db, post):
    org = make_org(name="Gemeinde Musterstadt", country="DE")
    colleague = make_user("applicant", organisation=org, email="colleague@musterstadt.de")
    db.session.commit()
    post("/auth/join", {"organisation_id": str(org.id), **ACCOUNT, "email": "new@musterstadt.de"})
    assert _mails(db, colleague.email) == []
    page = post(LINK.search(_mails(db, "new@musterstadt.de")[0].body).group(1))
    assert page.headers["Location"] == "/auth/login"  # not signed in: confirmed, then log in
    [notice] = _mails(db, colleague.email)
    assert (
        notice.subject == "A new member waits for verification"
        and "new@musterstadt.de" in notice.body
    )


def test_setting_a_password_from_an_e_mailed_link_confirms_the_address(client, db, post):
    from grants.auth.tokens import password_token

    user = make_user("evaluator", email_confirmed_at=None)
    db.session.commit()
    url = f"/auth/password/{password_token(user)}"
    assert (
        post(
            url, {"password": "a brand new password", "confirm": "a brand new password"}
        ).status_code
        == 302
    )
    db.session.refresh(user)
    assert user.email_confirmed_at is not None


def test_existing_and_demo_accounts_count_as_confirmed(db):
    assert make_user("applicant", organisation=make_org()).acts_for_organisation


def test_a_mistyped_address_is_corrected_before_confirmation(client, db, post):
    make_user("applicant", email="taken@example.org")
    db.session.commit()
    user = _register(db, post)
    old_link = LINK.search(_mails(db, user.email)[0].body).group(1)
    page = post("/auth/confirm/address", {"email": "taken@example.org"}, page="/auth/confirm")
    assert (
        page.status_code == 400
        and "An account with this email address already exists" in page.get_data(as_text=True)
    )
    post("/auth/confirm/address", {"email": "Ayse.Yilmaz@Nilufer.bel.tr"}, page="/auth/confirm")
    db.session.refresh(user)
    assert user.email == "ayse.yilmaz@nilufer.bel.tr" and user.email_confirmed_at is None
    assert client.get(old_link).status_code == 400  # sent to the mistyped address
    post(LINK.search(_mails(db, "ayse.yilmaz@nilufer.bel.tr")[0].body).group(1))
    db.session.refresh(user)
    assert user.email_confirmed_at is not None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "correct_email"))


def test_an_unknown_address_costs_a_password_check_too(app, db, monkeypatch):
    """No timing oracle at login (docs/security.md M5): an unknown address is checked against a
    dummy hash."""
    from grants.auth.services import accounts as services

    checked = []
    real = services.check_password_hash
    monkeypatch.setattr(
        services, "check_password_hash", lambda h, p: checked.append(p) or real(h, p)
    )
    assert services.authenticate("nobody@example.org", "a guess") is None
    assert checked == ["a guess"]


def test_the_dummy_hash_costs_what_a_real_one_costs(app):
    """M5: the unknown-address check is only as slow as a real one if it uses the same method and
    work factor (a cheaper dummy would still leak); the times themselves are measured in
    bench/login_timing.py."""
    from grants.auth.services import accounts as services
    from grants.models import User

    user = User(name="x", email="x@example.org")
    user.set_password("a real password")
    assert services._NO_USER_HASH.split("$")[0] == user.password_hash.split("$")[0]
