"""What the lead and the partner see around a confirmation: why it was voided, why a partner
declined, and a partner list that says when it shows only part of the organisations."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from grants.extensions import db
from grants.models import OutboxMessage, PartnerStatus
from tests.factories import make_application, make_call, make_org, make_user

PROJECT = {
    "title": "Green twin towns",
    "acronym": "GTT",
    "theme": "environment",
    "summary": "Two towns share climate plans.",
    "objectives": "Shared climate action plans.",
    "activities": "Study visits, joint workshops.",
    "expected_results": "Two adopted plans.",
    "start_month": "1",
    "duration_months": "18",
}


def setup():
    call = make_call("TTGS-2026", themes=["environment"])
    koeln = make_org("DE", "local_authority", name="Stadt Köln")
    application = make_application(
        call, lead=make_org("TR", name="Çankaya Belediyesi"), partners=[koeln], confirmed=False
    )
    anna = make_user(
        "applicant", organisation=koeln, email="anna@koeln.example", name="Anna Schmidt"
    )
    return application, application.partners[0], anna


def invitation_page(partner) -> str:
    return f"/partners/invitations/{partner.id}"


def confirm(client, post, partner):
    html = client.get(invitation_page(partner)).get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', html).group(1)
    return post(invitation_page(partner) + "/confirm", {"seen": seen})


def test_a_project_change_voids_the_confirmation_and_everyone_reads_what_changed(
    client, login_as, post
):
    application, partner, anna = setup()
    login_as(user=anna)
    assert confirm(client, post, partner).status_code == 302
    assert (
        partner.status is PartnerStatus.confirmed
        and partner.confirmed_terms["duration_months"] == 24
    )

    login_as("applicant", organisation=application.lead, email="lead@cankaya.example")
    url = f"/applications/{application.id}/project"
    response = post(
        url,
        {**PROJECT, "version": str(application.version), "save_draft": "1"},
        follow_redirects=True,
    )
    text = response.get_data(as_text=True)
    assert (
        "What Stadt Köln confirmed has changed, so the confirmation is void and must be given "
        "again." in text
    )
    db.session.refresh(partner)
    assert partner.status is PartnerStatus.proposed
    [mail] = db.session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.to == "anna@koeln.example", OutboxMessage.subject.contains("voided")
        )
    ).all()
    assert "Duration: 24 months before, 18 months now." in mail.body
    partnership = client.get(f"/applications/{application.id}/partnership").get_data(as_text=True)
    assert "Its earlier confirmation was voided because this changed:" in partnership
    assert "Duration: 24 months before, 18 months now." in partnership

    login_as(user=anna)
    page = client.get(invitation_page(partner)).get_data(as_text=True)
    assert "Your earlier confirmation was voided because the application changed:" in page
    assert "Duration: 24 months before, 18 months now." in page
    assert confirm(client, post, partner).status_code == 302  # confirms the new terms
    db.session.refresh(partner)
    assert (
        partner.status is PartnerStatus.confirmed
        and partner.confirmed_terms["duration_months"] == 18
    )
    assert "voided because" not in client.get(invitation_page(partner)).get_data(as_text=True)


def test_saving_what_the_partner_does_not_see_keeps_the_confirmation(client, login_as, post):
    application, partner, anna = setup()
    login_as(user=anna)
    confirm(client, post, partner)
    login_as("applicant", organisation=application.lead)
    post(
        f"/applications/{application.id}/project",
        {
            **PROJECT,
            "duration_months": "24",
            "activities": "Other activities.",
            "version": str(application.version),
            "save_draft": "1",
        },
    )
    db.session.refresh(partner)
    assert (
        application.activities == "Other activities." and partner.status is PartnerStatus.confirmed
    )


def test_a_change_while_the_partner_reads_refuses_the_confirmation(client, login_as, post):
    application, partner, anna = setup()
    login_as(user=anna)
    html = client.get(invitation_page(partner)).get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', html).group(1)
    application.title = "Blue twin towns"  # the lead renames it meanwhile
    db.session.commit()
    response = post(invitation_page(partner) + "/confirm", {"seen": seen}, follow_redirects=True)
    assert "The application changed while you were reading it" in response.get_data(as_text=True)
    assert partner.status is PartnerStatus.proposed


def test_the_lead_reads_the_reason_of_a_decline(client, login_as, post):
    application, partner, anna = setup()
    login_as(user=anna)
    post(invitation_page(partner) + "/decline", {"reason": "Our council <b>voted</b> against it."})
    login_as("applicant", organisation=application.lead)
    text = client.get(f"/applications/{application.id}/partnership").get_data(as_text=True)
    assert "Their reason:" in text and "Our council &lt;b&gt;voted&lt;/b&gt; against it." in text


def test_the_rules_name_countries_in_the_users_language(client, login_as):
    application, partner, anna = setup()
    login_as("applicant", organisation=application.lead)
    text = client.get(f"/applications/{application.id}/partnership").get_data(as_text=True)
    assert "At least one organisation of the partnership from: Türkiye" in text
    assert "Austria, Belgium, Bulgaria" in text and "HR, " not in text
    login_as("applicant", organisation=application.lead, locale="tr")
    assert "Almanya" in client.get(f"/applications/{application.id}/partnership").get_data(
        as_text=True
    )


def test_the_partner_list_says_when_it_shows_only_the_first_organisations(client, login_as):
    application, partner, anna = setup()
    login_as("applicant", organisation=application.lead)
    url = f"/applications/{application.id}/partnership"
    assert "organisations match: the list shows the first 50" not in client.get(url).get_data(
        as_text=True
    )
    for n in range(51):
        make_org("FR", name=f"Commune {n:02d}")
    db.session.commit()
    text = client.get(url).get_data(as_text=True)
    assert "More than 50 organisations match: the list shows the first 50 by name." in text
    assert "Esslingen" not in text
    make_org("DE", name="Stadt Esslingen")
    db.session.commit()
    found = client.get(url + "?q=essl").get_data(as_text=True)
    assert "Stadt Esslingen (Germany)" in found and "organisations match" not in found


def test_a_budget_change_tells_old_and_new_share(client, login_as, post, app):
    from grants.applications.services import LineInput, save_budget

    application, partner, anna = setup()
    login_as(user=anna)
    confirm(client, post, partner)
    rows = [LineInput(line.id, None) for line in application.budget_lines]
    visits = application.budget_lines[1]
    rows[1] = LineInput(
        visits.id,
        {
            "heading": visits.heading,
            "description": visits.description,
            "unit": visits.unit,
            "quantity": Decimal("5"),
            "unit_cost": visits.unit_cost,
            "organisation_id": visits.organisation_id,
        },
    )
    with app.test_request_context():
        saved, _lines = save_budget(application, rows, {}, application.version)
    assert saved.voided == (partner,)
    body = db.session.scalar(
        select(OutboxMessage.body).where(
            OutboxMessage.to == "anna@koeln.example", OutboxMessage.body.contains("before")
        )
    )
    assert "Share of Stadt Köln in the direct costs: €40,000.00 before, €50,000.00 now." in body


def test_a_project_autosave_that_changes_what_was_confirmed_says_so(client, login_as, post):
    from tests.factories.applications import autosave

    application, partner, anna = setup()
    login_as(user=anna)
    confirm(client, post, partner)
    login_as("applicant", organisation=application.lead)
    url = f"/applications/{application.id}/project"
    text = autosave(
        client,
        url,
        {
            **PROJECT,
            "title": "Blue twin towns",
            "duration_months": "24",
            "version": str(application.version),
        },
    ).get_data(as_text=True)
    assert (
        "What Stadt Köln confirmed has changed, so the confirmation is void and must be given "
        "again." in text
    )
    db.session.refresh(partner)
    assert partner.status is PartnerStatus.proposed
    body = db.session.scalar(
        select(OutboxMessage.body).where(
            OutboxMessage.to == "anna@koeln.example", OutboxMessage.body.contains("Title")
        )
    )
    assert "Title: “Green twin towns” before, “Blue twin towns” now." in body


def test_a_second_confirmation_or_decline_is_refused_and_changes_nothing(client, login_as, post):
    application, partner, anna = setup()
    login_as(user=anna)
    html = client.get(invitation_page(partner)).get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="([^"]+)"', html).group(1)
    assert post(invitation_page(partner) + "/confirm", {"seen": seen}).status_code == 302
    confirmed_at = partner.confirmed_at
    # the same page sent again: another tab, a double click
    again = post(
        invitation_page(partner) + "/confirm", {"seen": seen}, page=invitation_page(partner)
    )
    assert again.status_code == 302
    assert "already confirmed this partnership" in client.get(again.location).get_data(True)
    assert partner.status is PartnerStatus.confirmed and partner.confirmed_at == confirmed_at
    post(invitation_page(partner) + "/decline", {"reason": "The council changed its mind."})
    assert partner.status is PartnerStatus.declined
    post(invitation_page(partner) + "/decline", {"reason": "Twice."})
    assert partner.decline_reason == "The council changed its mind."
