"""Partnership invitations: a partner's members read the application and confirm or decline."""

import re
from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, OutboxMessage, PartnerStatus
from tests.factories import make_application, make_call, make_org, make_user


def setup(**kw):
    call = make_call("TTGS-2026")
    koeln = make_org("DE", "local_authority", name="Stadt Köln")
    application = make_application(
        call,
        lead=make_org("TR", name="Çankaya Belediyesi"),
        partners=[koeln],
        confirmed=False,
        **kw,
    )
    make_user("applicant", organisation=application.lead, email="lead@cankaya.example")
    return application, application.partners[0]


def page_of(partner) -> str:
    return f"/partners/invitations/{partner.id}"


def mails_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == email)))


def test_invitations_list_the_applications_proposing_my_organisation(client, db, login_as):
    application, partner = setup()
    login_as("applicant", organisation=partner.organisation)
    text = client.get("/partners/invitations").get_data(as_text=True)
    assert "Green twin towns (GTT)" in text and "TTGS-2026" in text and "Çankaya Belediyesi" in text
    assert page_of(partner) in text
    login_as("applicant")
    assert "No application proposes your organisation" in client.get(
        "/partners/invitations"
    ).get_data(as_text=True)


def test_invitation_shows_the_summary_budget_and_my_share(client, db, login_as):
    application, partner = setup()
    login_as("applicant", organisation=partner.organisation)
    text = client.get(page_of(partner)).get_data(as_text=True)
    for fact in (
        "Green twin towns",
        "GTT",
        "Çankaya Belediyesi",
        "Two towns share climate plans.",
        "Shared climate action plans.",
        "24 months",
        "Hosts the study visits",
        "€100,000.00",
        "€107,000.00",
        "€90,000.00",
        "€17,000.00",
        "€40,000.00",
        "Study visits",
    ):
        assert fact in text, fact
    assert "Project staff" not in text  # the lead's own lines are not this partner's
    assert "Confirm our participation" in text and "Decline" in text


def test_only_the_partners_acting_members_may_open_or_answer(client, db, login_as, post):
    application, partner = setup()
    for kw in (
        {},
        {"organisation": application.lead},
        {"organisation": partner.organisation, "verified_member": False},
    ):
        login_as("applicant", **kw)
        assert client.get(page_of(partner)).status_code == 404
        assert (
            post(page_of(partner) + "/confirm", {"seen": "x"}, page="/partners").status_code == 404
        )
        assert post(page_of(partner) + "/decline", {}, page="/partners").status_code == 404
    assert client.get("/partners/invitations/999999").status_code == 404
    assert partner.status is PartnerStatus.proposed


def confirm(client, post, partner):
    html = client.get(page_of(partner)).get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', html).group(1)
    return post(page_of(partner) + "/confirm", {"seen": seen})


def test_confirm_records_the_mandate_and_tells_the_lead(client, db, login_as, post):
    application, partner = setup()
    user = login_as("applicant", organisation=partner.organisation, name="Anna Schmidt")
    page = confirm(client, post, partner)
    assert page.status_code == 302
    db.session.refresh(partner)
    assert partner.status is PartnerStatus.confirmed and partner.confirmed_by_id == user.id
    assert partner.confirmed_at is not None
    assert (
        partner.confirmed_share == Decimal("40000.00")
        and partner.confirmed_role == "Hosts the study visits"
    )
    text = client.get(page_of(partner)).get_data(as_text=True)
    assert "You confirmed a share of €40,000.00" in text and "Confirm our participation" not in text
    [mail] = mails_to("lead@cankaya.example")
    assert "Anna Schmidt confirmed, for Stadt Köln" in mail.body and "€40,000.00" in mail.body
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "confirm_partnership", AuditEvent.object_id == str(partner.id)
        )
    )


def test_confirm_is_refused_when_the_application_changed_meanwhile(client, db, login_as, post):
    application, partner = setup()
    login_as("applicant", organisation=partner.organisation)
    html = client.get(page_of(partner)).get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', html).group(1)
    application.budget_lines[1].quantity = Decimal("5")  # the lead raises this partner's share
    db.session.commit()
    page = post(page_of(partner) + "/confirm", {"seen": seen})
    assert "The application changed while you were reading it" in client.get(
        page.location
    ).get_data(as_text=True)
    assert partner.status is PartnerStatus.proposed and mails_to("lead@cankaya.example") == []


def test_decline_with_a_reason_tells_the_lead(client, db, login_as, post):
    application, partner = setup()
    login_as("applicant", organisation=partner.organisation, name="Anna Schmidt")
    page = post(page_of(partner) + "/decline", {"reason": "Our council said no."})
    assert page.status_code == 302
    db.session.refresh(partner)
    assert partner.status is PartnerStatus.declined and partner.declined_at is not None
    [mail] = mails_to("lead@cankaya.example")
    assert (
        "Anna Schmidt declined, for Stadt Köln" in mail.body and "Our council said no." in mail.body
    )
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "decline_partnership"))
    assert event.after["reason"] == "Our council said no." and event.after["status"] == "declined"
    text = client.get(page_of(partner)).get_data(as_text=True)
    assert "Declined" in text and "Confirm our participation" in text  # may still change its mind


def test_decline_reason_too_long_is_refused_and_kept(client, db, login_as, post):
    application, partner = setup()
    login_as("applicant", organisation=partner.organisation)
    page = post(page_of(partner) + "/decline", {"reason": "n" * 2001})
    assert page.status_code == 400 and "n" * 2001 in page.get_data(as_text=True)
    assert partner.status is PartnerStatus.proposed


def test_no_answer_once_the_application_is_no_longer_a_draft(client, db, login_as, post):
    application, partner = setup(status="submitted")
    login_as("applicant", organisation=partner.organisation)
    text = client.get(page_of(partner)).get_data(as_text=True)
    assert "no longer a draft" in text and "Confirm our participation" not in text
    page = confirm_with_any_token(client, post, partner)
    assert "no longer a draft" in client.get(page.location).get_data(as_text=True)
    post(page_of(partner) + "/decline", {"reason": ""}, page="/partners")
    db.session.refresh(partner)
    assert partner.status is PartnerStatus.proposed and mails_to("lead@cankaya.example") == []


def confirm_with_any_token(client, post, partner):
    return post(page_of(partner) + "/confirm", {"seen": "anything"}, page="/partners")
