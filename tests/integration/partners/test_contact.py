"""Contacting an organisation from its partner-search profile."""

from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, OutboxMessage
from tests.factories import make_org, make_user


def target_with_members():
    org = make_org("DE", "local_authority", name="Stadt Köln", seeking_partner=True)
    verified = make_user("applicant", organisation=org, email="mayor@koeln.example", locale="tr")
    make_user("applicant", organisation=org, verified_member=False, email="pending@koeln.example")
    make_user("applicant", organisation=org, email="gone@koeln.example", active=False)
    return org, verified


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_message_goes_to_the_verified_members_only(client, db, login_as, post):
    org, verified = target_with_members()
    sender = login_as(
        "applicant",
        name="Ayşe Yılmaz",
        email="ayse@cankaya.example",
        organisation=make_org("TR", name="Çankaya Belediyesi"),
    )
    page = post(
        f"/partners/{org.id}/contact",
        {"message": "Shall we twin on youth sport?"},
        page=f"/partners/{org.id}",
    )
    assert page.status_code == 302
    assert "Your message was sent" in client.get(page.location).get_data(as_text=True)
    messages = outbox()
    assert [m.to for m in messages] == ["mayor@koeln.example"]
    body = messages[0].body
    assert (
        "Ayşe Yılmaz" in body
        and "Çankaya Belediyesi" in body
        and "Shall we twin on youth sport?" in body
    )
    assert f"/partners/{sender.organisation_id}" in body  # a reply link to the sender's profile
    assert "ayse@cankaya.example" not in body
    assert body.startswith("Sayın")  # in the recipient's language
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contact_partner"))
    assert event.object_id == str(org.id) and event.user_id == sender.id
    assert event.after == {"from_organisation_id": sender.organisation_id, "recipients": 1}


def test_reply_link_opens_the_senders_profile_even_when_not_seeking(client, db, login_as, post):
    org, verified = target_with_members()
    sender = login_as("applicant", organisation=make_org("TR", name="Çankaya Belediyesi"))
    post(f"/partners/{org.id}/contact", {"message": "Hello"}, page=f"/partners/{org.id}")
    login_as("applicant", organisation=org)
    text = client.get(f"/partners/{sender.organisation_id}").get_data(as_text=True)
    assert "Çankaya Belediyesi" in text and "Send a message" in text


def test_empty_message_is_refused_and_nothing_is_sent(client, db, login_as, post):
    org, _ = target_with_members()
    login_as("applicant")
    page = post(f"/partners/{org.id}/contact", {"message": "   "}, page=f"/partners/{org.id}")
    assert page.status_code == 400
    assert "Your message: Write a message" in page.get_data(as_text=True)
    assert outbox() == []


def test_too_long_message_is_refused_and_kept(client, db, login_as, post):
    org, _ = target_with_members()
    login_as("applicant")
    page = post(f"/partners/{org.id}/contact", {"message": "x" * 5001}, page=f"/partners/{org.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "Use at most 5000 characters" in text and "x" * 5001 in text
    assert outbox() == []


def test_organisation_without_verified_member_is_reported(client, db, login_as, post):
    org = make_org("DE", "local_authority", name="Empty Town")
    login_as("applicant")
    page = post(f"/partners/{org.id}/contact", {"message": "Hello"}, page=f"/partners/{org.id}")
    assert page.status_code == 400 and "Empty Town has no verified member yet" in page.get_data(
        as_text=True
    )
    assert (
        db.session.scalar(select(AuditEvent).where(AuditEvent.action == "contact_partner")) is None
    )


def test_only_users_acting_for_a_verified_organisation_may_contact(client, db, login_as, post):
    org, _ = target_with_members()
    login_as("applicant", verified_member=False)
    assert "Send a message" not in client.get(f"/partners/{org.id}").get_data(as_text=True)
    assert (
        post(
            f"/partners/{org.id}/contact", {"message": "Hi"}, page=f"/partners/{org.id}"
        ).status_code
        == 404
    )
    login_as("applicant", organisation=make_org(verified=False))
    assert (
        post(
            f"/partners/{org.id}/contact", {"message": "Hi"}, page=f"/partners/{org.id}"
        ).status_code
        == 404
    )
    login_as("staff")
    assert (
        post(
            f"/partners/{org.id}/contact", {"message": "Hi"}, page=f"/partners/{org.id}"
        ).status_code
        == 404
    )
    assert outbox() == []


def test_nobody_contacts_their_own_organisation(client, db, login_as, post):
    org, _ = target_with_members()
    login_as("applicant", organisation=org)
    assert "Send a message" not in client.get(f"/partners/{org.id}").get_data(as_text=True)
    assert (
        post(
            f"/partners/{org.id}/contact", {"message": "Hi"}, page=f"/partners/{org.id}"
        ).status_code
        == 404
    )


def test_contact_is_rate_limited_per_user(client, db, login_as, post):
    org, _ = target_with_members()
    login_as("applicant")
    for n in range(10):
        assert (
            post(
                f"/partners/{org.id}/contact", {"message": f"m{n}"}, page=f"/partners/{org.id}"
            ).status_code
            == 302
        )
    assert (
        post(
            f"/partners/{org.id}/contact", {"message": "one more"}, page=f"/partners/{org.id}"
        ).status_code
        == 429
    )
    assert len(outbox()) == 10
    login_as("applicant")  # another user on the same address is not limited
    assert (
        post(
            f"/partners/{org.id}/contact", {"message": "other"}, page=f"/partners/{org.id}"
        ).status_code
        == 302
    )


def test_refused_messages_do_not_count_towards_the_limit(client, db, login_as, post):
    org, _ = target_with_members()
    login_as("applicant")
    for _ in range(10):
        post(f"/partners/{org.id}/contact", {"message": ""}, page=f"/partners/{org.id}")
    assert (
        post(
            f"/partners/{org.id}/contact", {"message": "now"}, page=f"/partners/{org.id}"
        ).status_code
        == 302
    )
