"""Partners not yet registered: the lead invites them by e-mail, the pending organisation holds its
place, its contact person registers from the link, staff verify it, and it confirms as any
partner."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from grants.extensions import db
from grants.models import (
    AuditEvent,
    Organisation,
    OutboxMessage,
    Partner,
    PartnerInvitation,
    PartnerStatus,
    StageStatus,
    User,
)
from grants.partners import queries
from tests.factories import PASSWORD, make_application, make_call, make_org, make_user

INVITE = {
    "invite-name": "Stadt Esslingen am Neckar",
    "invite-country": "DE",
    "invite-type": "local_authority",
    "invite-email": "Europa@Esslingen.example",
    "invite-locale": "tr",
    "invite-role": "Hosts the study visits",
    "invite-message": "Liebe Kollegen,\nwir würden gerne mit Ihnen arbeiten.",
}


@pytest.fixture
def lead(db, login_as):
    call = make_call("TTGS-2026")
    application = make_application(
        call, lead=make_org("TR", name="Nilüfer Belediyesi"), partners=[], confirmed=False
    )
    user = login_as(
        "applicant", organisation=application.lead, email="ayse@nilufer.example", name="Ayşe"
    )
    return application, user


def page(application) -> str:
    return f"/applications/{application.id}/partnership"


def invite(post, application, **changes):
    return post(page(application) + "/invite", {**INVITE, **changes}, page=page(application))


def link_in(message: OutboxMessage) -> str:
    return re.search(r"http://localhost(/partners/register/\S+)", message.body).group(1)


def mail_to(email: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.to == email).order_by(OutboxMessage.id)
        )
    )


def as_stranger(client) -> None:
    """The browser of someone not logged in (the test's app context keeps the CSRF token in `g`:
    forget it too)."""
    with client.session_transaction() as session:
        session.clear()
    g.pop("csrf_token", None)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_invited_partner_holds_its_place_and_gets_the_link_in_the_chosen_language(
    client, lead, post
):
    application, _user = lead
    response = invite(post, application)
    assert response.status_code == 302
    [partner] = db.session.scalars(
        select(Partner).where(Partner.application_id == application.id)
    ).all()
    org = partner.organisation
    assert (org.name, org.country, org.type.value, org.verified) == (
        "Stadt Esslingen am Neckar",
        "DE",
        "local_authority",
        False,
    )
    assert partner.status is PartnerStatus.proposed and partner.role == "Hosts the study visits"
    invitation = db.session.scalar(select(PartnerInvitation))
    assert invitation.email == "europa@esslingen.example" and invitation.locale == "tr"
    [mail] = mail_to("europa@esslingen.example")
    token = link_in(mail).rsplit("/", 1)[1]
    assert (
        invitation.token_hash
        and token not in invitation.token_hash
        and invitation.token_hash not in mail.body
    )
    assert "Nilüfer Belediyesi" in mail.body and "wir würden gerne" in mail.body
    assert "TWIN Grants" in mail.body and "Merhaba" in mail.body  # Turkish, as the lead chose
    text = client.get(response.location).get_data(as_text=True)
    assert "Invited: waiting for Stadt Esslingen am Neckar to register." in text
    assert "europa@esslingen.example" in text and "Send the invitation again" in text
    assert "Cancel the invitation of Stadt Esslingen am Neckar" in text
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"invite_partner", "propose_partner", "register_invited"} <= actions


def test_invitation_refusals_say_why_and_keep_what_was_typed(client, lead, post):
    application, _user = lead
    colleague_org = make_org("DE", name="Secret Stadt", verified=False)
    make_user("applicant", organisation=colleague_org, email="known@example.org")
    response = invite(post, application, **{"invite-email": "known@example.org"})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert (
        "Someone is already registered with this e-mail address" in text
        and "propose it from the list" in text
    )
    assert "Secret Stadt" not in text  # nothing more than the partner search discloses
    assert 'value="Stadt Esslingen am Neckar"' in text and "wir würden gerne" in text
    assert count(PartnerInvitation) == 0 and count(Partner) == 0

    assert invite(post, application).status_code == 302
    again = invite(post, application, **{"invite-name": "Esslingen"})
    assert again.status_code == 400
    assert "You already invited europa@esslingen.example to this application" in again.get_data(
        as_text=True
    )
    assert count(PartnerInvitation) == 1

    missing = invite(post, application, **{"invite-name": "", "invite-email": "not an address"})
    text = missing.get_data(as_text=True)
    assert missing.status_code == 400 and "Enter the name of the partner authority" in text
    assert "Enter an email address like name@example.org" in text


def test_no_invitation_once_the_application_is_submitted(client, db, login_as, post):
    application = make_application(make_call(), status="submitted")
    login_as("applicant", organisation=application.lead)
    response = post(
        page(application) + "/invite", INVITE, page=page(application), follow_redirects=True
    )
    assert (
        "This application is no longer a draft: its partnership cannot change."
        in response.get_data(as_text=True)
    )
    assert count(PartnerInvitation) == 0 and "Invite a partner" not in client.get(
        page(application)
    ).get_data(as_text=True)


def test_only_the_leads_members_may_invite(client, lead, post, login_as):
    application, _user = lead
    login_as("applicant")
    assert post(page(application) + "/invite", INVITE, page="/partners").status_code == 404
    assert count(PartnerInvitation) == 0


def register(client, post, link: str, **changes):
    form = {
        "name": "Stadt Esslingen am Neckar",
        "type": "local_authority",
        "country": "DE",
        "region": "Stuttgart",
        "population": "94000",
        "legal_id": "DE-08116019",
        "address": "Rathausplatz 2, Esslingen",
        "full_name": "Anna Schmidt",
        "password": PASSWORD,
        "confirm": PASSWORD,
    }
    return post(link, {**form, **changes})


def test_registering_from_the_link_completes_the_pending_organisation(
    app, client, lead, post, login_as
):
    application, _user = lead
    invite(post, application)
    link = link_in(mail_to("europa@esslingen.example")[0])
    as_stranger(client)
    form_page = client.get(link).get_data(as_text=True)
    assert (
        'value="Stadt Esslingen am Neckar"' in form_page and "europa@esslingen.example" in form_page
    )
    assert "wir würden gerne" in form_page
    orgs_before = count(Organisation)
    response = register(client, post, link, name="Stadt Esslingen")
    assert response.status_code == 302
    invitation = db.session.scalar(select(PartnerInvitation))
    org = invitation.organisation
    assert count(Organisation) == orgs_before  # the pending organisation, completed: not a new one
    assert (org.name, org.legal_id, org.region, org.verified) == (
        "Stadt Esslingen",
        "DE-08116019",
        "Stuttgart",
        False,
    )
    user = db.session.scalar(select(User).where(User.email == "europa@esslingen.example"))
    assert (
        user.organisation_id == org.id
        and user.member_verified_at is not None
        and user.locale == "tr"
    )
    assert invitation.accepted_by_id == user.id and invitation.token_hash is None
    assert (
        "Stadt Esslingen registered on TWIN Grants" in mail_to("ayse@nilufer.example")[-1].subject
    )

    as_stranger(client)
    assert client.get(link).status_code == 400  # used once: no second registration from it

    login_as(user=db.session.get(User, _user.id))
    text = client.get(page(application)).get_data(as_text=True)
    assert "Stadt Esslingen has registered: programme staff must verify it" in text
    assert "Send the invitation again" not in text


def test_staff_verify_only_once_registered_then_the_partner_is_asked_to_confirm(
    client, lead, post, login_as
):
    application, _user = lead
    invite(post, application)
    invitation = db.session.scalar(select(PartnerInvitation))
    org_id = invitation.organisation_id
    login_as("staff")
    refused = post(
        f"/admin/organisations/{org_id}/verify",
        {},
        page=f"/admin/organisations/{org_id}",
        follow_redirects=True,
    )
    assert "Nobody has registered Stadt Esslingen am Neckar yet" in refused.get_data(as_text=True)
    assert not db.session.get(Organisation, org_id).verified

    link = link_in(mail_to("europa@esslingen.example")[0])
    as_stranger(client)
    register(client, post, link)
    login_as("staff")
    post(f"/admin/organisations/{org_id}/verify", {}, page=f"/admin/organisations/{org_id}")
    assert db.session.get(Organisation, org_id).verified
    asked = [
        m
        for m in mail_to("europa@esslingen.example")
        if f"/partners/invitations/{invitation.partner_id}" in m.body
    ]  # in Turkish, as invited
    assert len(asked) == 1 and "Nilüfer Belediyesi" in asked[0].subject
    assert invitation.partner.status is PartnerStatus.proposed


def test_a_link_works_only_while_recent_and_only_the_latest(app, client, lead, post):
    application, _user = lead
    invite(post, application)
    first = link_in(mail_to("europa@esslingen.example")[0])
    invitation = db.session.scalar(select(PartnerInvitation))
    with app.test_request_context():
        assert queries.invitation_for_token(first.rsplit("/", 1)[1]) is invitation
        assert queries.invitation_for_token(first.rsplit("/", 1)[1] + "x") is None
        late = invitation.sent_at + queries.max_age() + timedelta(seconds=1)
        assert queries.invitation_for_token(first.rsplit("/", 1)[1], now=lambda: late) is None
        assert (
            queries.invitation_for_token(
                first.rsplit("/", 1)[1], now=lambda: late - timedelta(seconds=2)
            )
            is invitation
        )
    response = post(
        page(application) + f"/invitations/{invitation.id}/resend", {}, page=page(application)
    )
    assert response.status_code == 302
    second = link_in(mail_to("europa@esslingen.example")[-1])
    assert second != first
    as_stranger(client)
    assert client.get(first).status_code == 400
    assert "This invitation link does not work" in client.get(first).get_data(as_text=True)
    assert client.get(second).status_code == 200


def test_cancelling_frees_the_place_and_kills_the_link(client, lead, post):
    application, _user = lead
    invite(post, application)
    invitation = db.session.scalar(select(PartnerInvitation))
    link = link_in(mail_to("europa@esslingen.example")[0])
    org_id = invitation.organisation_id
    response = post(
        page(application) + f"/invitations/{invitation.id}/cancel",
        {},
        page=page(application),
        follow_redirects=True,
    )
    assert "The invitation of Stadt Esslingen am Neckar is cancelled" in response.get_data(
        as_text=True
    )
    assert (
        count(PartnerInvitation) == 0
        and count(Partner) == 0
        and db.session.get(Organisation, org_id) is None
    )
    assert "cancel_partner_invitation" in set(db.session.scalars(select(AuditEvent.action)))
    as_stranger(client)
    assert client.get(link).status_code == 400


def test_submission_says_which_step_an_invited_partner_is_at(client, lead, post):
    application, _user = lead
    invite(post, application)
    text = client.get(f"/applications/{application.id}/check").get_data(as_text=True)
    assert (
        "Stadt Esslingen am Neckar has not registered yet: its contact person registers from the "
        "invitation "
        "e-mail, programme staff verify the organisation, then it confirms its participation."
    ) in text


def test_the_database_refuses_a_second_invitation_of_one_address_to_one_application(lead, post):
    """Two tabs sending the same invitation at once: the unique constraint holds, not only the check
    before."""
    from sqlalchemy.exc import IntegrityError

    application, _user = lead
    invite(post, application)
    first = db.session.scalar(select(PartnerInvitation))
    twin = PartnerInvitation(
        application_id=application.id,
        partner=Partner(
            application_id=application.id,
            organisation=make_org("DE", verified=False),
            role="x",
            position=5,
        ),
        organisation=first.organisation,
        email=first.email,
    )
    db.session.add(twin)
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_resending_or_cancelling_after_submission_is_refused_plainly(client, lead, post):
    application, _user = lead
    invite(post, application)
    invitation = db.session.scalar(select(PartnerInvitation))
    sent_at = invitation.sent_at
    form_page = client.get(page(application)).get_data(as_text=True)
    application.stages[0].status = StageStatus.submitted
    db.session.commit()
    token = re.search(r'name="csrf_token" value="([^"]+)"', form_page).group(1)
    for action in ("resend", "cancel"):
        response = client.post(
            page(application) + f"/invitations/{invitation.id}/{action}",
            data={"csrf_token": token},
            follow_redirects=True,
        )
        assert (
            "This application is no longer a draft: its partnership cannot change."
            in response.get_data(as_text=True)
        )
    db.session.refresh(invitation)
    assert invitation.sent_at == sent_at and count(PartnerInvitation) == 1


def test_discarding_the_draft_takes_its_invitations_and_their_links_with_it(client, lead, post):
    application, _user = lead
    invite(post, application)
    link = link_in(mail_to("europa@esslingen.example")[0])
    post(
        f"/applications/{application.id}/discard",
        {},
        page=f"/applications/{application.id}/discard",
    )
    assert count(PartnerInvitation) == 0 and count(Partner) == 0
    as_stranger(client)
    assert client.get(link).status_code == 400
