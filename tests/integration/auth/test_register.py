"""Registering a local authority with its first user, and joining an organisation already
registered."""

from sqlalchemy import func, select

from grants.models import (
    AuditEvent,
    MailStatus,
    Organisation,
    OrganisationType,
    OutboxMessage,
    User,
)
from tests.factories import make_org, make_user
from tests.factories.auth import ACCOUNT, ORG


def test_registration_creates_unverified_organisation_and_verified_first_member(client, db, post):
    page = post("/auth/register", {**ORG, **ACCOUNT})
    assert page.status_code == 302 and page.headers["Location"] == "/auth/registered"
    user = db.session.scalar(select(User).where(User.email == "ayse@nilufer.bel.tr"))
    org = user.organisation
    assert (org.name, org.type, org.country, org.population) == (
        "Nilüfer Belediyesi",
        OrganisationType.municipality,
        "TR",
        500000,
    )
    assert org.verified_at is None and user.member_verified_at is not None
    assert user.role.value == "applicant" and user.check_password("long enough pw")
    assert not user.acts_for_organisation  # until staff verify the organisation
    actions = db.session.scalars(
        select(AuditEvent.action).where(AuditEvent.action == "register")
    ).all()
    assert len(actions) == 2
    assert (
        user.email_confirmed_at is None
    )  # until the link sent to the address is opened (auth/test_confirm)


def test_country_is_a_select_of_named_countries(client, db):
    text = client.get("/auth/register").get_data(as_text=True)
    assert (
        '<option value="TR">Türkiye</option>' in text
        or '<option value="TR">Turkey</option>' in text
    )
    assert '<option value="DE">Germany</option>' in text
    assert 'value="EU"' not in text


def test_registration_errors_name_the_field_and_keep_the_input(client, db, post):
    page = post(
        "/auth/register",
        {
            **ORG,
            "country": "",
            "population": "-5",
            **ACCOUNT,
            "password": "short",
            "confirm": "different",
        },
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Country: Choose the country" in text
    assert "Population: Enter a whole number from 0 to 100000000" in text
    assert "Password: Use at least 10 characters" in text
    assert 'value="Nilüfer Belediyesi"' in text and 'value="ayse@nilufer.bel.tr"' in text
    assert (
        db.session.scalar(select(Organisation).where(Organisation.name == "Nilüfer Belediyesi"))
        is None
    )


def test_huge_population_and_nul_characters_are_handled(client, db, post):
    text = post("/auth/register", {**ORG, "population": "99999999999", **ACCOUNT}).get_data(
        as_text=True
    )
    assert "Population: Enter a whole number from 0 to 100000000" in text
    page = post(
        "/auth/register", {**ORG, "name": "Nul\x00town", **ACCOUNT}
    )  # refused before the view (issue 14)
    assert page.status_code == 400 and "The field “name” contains a character" in page.get_data(
        as_text=True
    )
    assert db.session.scalar(select(Organisation).where(Organisation.name.like("Nul%"))) is None


def test_password_confirmation_must_match(client, db, post):
    text = post("/auth/register", {**ORG, **ACCOUNT, "confirm": "another long pw"}).get_data(
        as_text=True
    )
    assert "The two passwords do not match" in text


def test_an_address_with_an_account_gets_the_same_answer_and_its_owner_is_told(client, db, post):
    """No user enumeration (docs/security.md M5): the visitor sees what a new address sees; the
    owner is e-mailed."""
    new = post("/auth/register", {**ORG, **ACCOUNT, "email": "new@nilufer.bel.tr"})
    client.get("/auth/registered")
    owner = make_user("applicant", email="ayse@nilufer.bel.tr")
    db.session.commit()
    page = post("/auth/register", {**ORG, **ACCOUNT})
    assert (page.status_code, page.headers["Location"]) == (
        new.status_code,
        new.headers["Location"],
    )
    assert "We sent a message to ayse@nilufer.bel.tr" in client.get("/auth/registered").get_data(
        as_text=True
    )
    assert (
        db.session.scalar(
            select(func.count(Organisation.id)).where(Organisation.name == "Nilüfer Belediyesi")
        )
        == 1
    )  # the first registration only
    [mail] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == owner.email)).all()
    assert mail.subject == "Someone tried to register with your e-mail address"
    assert "http://localhost/auth/reset" in mail.body
    joined = post("/auth/join", {"organisation_id": str(make_org().id), **ACCOUNT})
    assert joined.headers["Location"] == "/auth/registered"


def test_join_existing_organisation_leaves_the_member_pending(client, db, post):
    org = make_org(name="Gemeinde Musterstadt", country="DE")
    colleague = make_user("applicant", organisation=org, email="colleague@musterstadt.de")
    db.session.commit()
    page = post(
        "/auth/join", {"organisation_id": str(org.id), **ACCOUNT, "email": "new@musterstadt.de"}
    )
    assert page.status_code == 302 and page.headers["Location"] == "/auth/registered"
    user = db.session.scalar(select(User).where(User.email == "new@musterstadt.de"))
    assert user.organisation_id == org.id and user.member_verified_at is None
    assert not user.acts_for_organisation
    # the colleague hears of the newcomer once the newcomer's address is confirmed
    # (auth/test_confirm)
    assert (
        db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == colleague.email)) is None
    )
    confirmation = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to == "new@musterstadt.de")
    )
    assert (
        confirmation.status is MailStatus.logged
        and "http://localhost/auth/confirm/" in confirmation.body
    )


def test_join_requires_an_organisation_from_the_search(client, db, post):
    unverified = make_org(name="Listed but unverified", verified=False)
    db.session.commit()
    text = post("/auth/join", {"organisation_id": "", **ACCOUNT}).get_data(as_text=True)
    assert "Search for your organisation and choose it from the results." in text
    for forged in ("999999", str(unverified.id)):
        text = post("/auth/join", {"organisation_id": forged, **ACCOUNT}).get_data(as_text=True)
        assert "Search for your organisation and choose it from the results." in text
    assert 'value="Ayşe Yılmaz"' in text  # what was typed is kept
    assert db.session.scalar(select(User).where(User.email == "ayse@nilufer.bel.tr")) is None


def test_signed_in_user_is_sent_away_from_registration(client, db, login_as):
    login_as("applicant")
    assert client.get("/auth/register").status_code == 302
    assert client.get("/auth/join").status_code == 302


def test_registered_user_can_log_in_after_logout(client, db, post):
    post("/auth/register", {**ORG, **ACCOUNT})
    post("/auth/logout", page="/")
    page = post("/auth/login", {"email": "ayse@nilufer.bel.tr", "password": "long enough pw"})
    assert page.status_code == 302
