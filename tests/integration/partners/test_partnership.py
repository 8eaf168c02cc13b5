"""The application's Partnership page: the lead proposes, re-words and removes partners."""

import html

from sqlalchemy import select

from grants.extensions import db
from grants.models import AuditEvent, OutboxMessage, Partner, PartnerStatus
from grants.partners.queries import current_terms
from tests.factories import make_application, make_call, make_org, make_user


def setup(confirmed: bool = True, **kw):
    call = make_call("TTGS-2026")
    application = make_application(
        call,
        partners=[make_org("DE", "local_authority", name="Stadt Köln")],
        confirmed=confirmed,
        **kw,
    )
    return call, application


def url(application, suffix: str = "") -> str:
    return f"/applications/{application.id}/partnership{suffix}"


def mails_to(email: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == email)))


def test_lead_sees_partners_rules_and_problems(client, db, login_as):
    call, application = setup()
    application.partners.append(
        Partner(organisation=make_org("US", name="Boston"), role="Advice", position=1)
    )
    db.session.flush()
    login_as("applicant", organisation=application.lead)
    text = client.get(url(application)).get_data(as_text=True)
    assert "Stadt Köln" in text and "Confirmed" in text and "Waiting for confirmation" in text
    assert "From 1 to 3 partners besides the lead applicant." in text
    assert "Boston: organisations from US are not eligible partners in this call." in text
    assert 'name="organisation_id"' in text  # the lead may edit


def test_partnership_without_partners_lists_every_problem(client, db, login_as):
    call = make_call("TTGS-2026")
    application = make_application(call, partners=[])
    login_as("applicant", organisation=application.lead)
    text = client.get(url(application)).get_data(as_text=True)
    assert "The application has 0 partner(s), fewer than the minimum of 1." in text
    assert "The partnership must include an organisation from one of: AT, BE" in text
    assert "No partner proposed yet." in text


def test_lead_proposes_a_partner_who_is_emailed(client, db, login_as, post):
    call, application = setup()
    paris = make_org("FR", "local_authority", name="Ville de Paris")
    make_user("applicant", organisation=paris, email="maire@paris.example")
    make_user("applicant", organisation=paris, verified_member=False, email="pending@paris.example")
    login_as("applicant", organisation=application.lead)
    page = post(url(application), {"organisation_id": paris.id, "role": "Hosts the youth camp"})
    assert page.status_code == 302
    partner = db.session.scalar(select(Partner).where(Partner.organisation_id == paris.id))
    assert partner.status is PartnerStatus.proposed and partner.role == "Hosts the youth camp"
    assert partner.position == 1
    [mail] = mails_to("maire@paris.example")
    assert (
        "Hosts the youth camp" in mail.body and f"/partners/invitations/{partner.id}" in mail.body
    )
    assert mails_to("pending@paris.example") == []
    assert db.session.scalar(
        select(AuditEvent).where(
            AuditEvent.action == "propose_partner", AuditEvent.object_id == str(partner.id)
        )
    )
    assert "Ville de Paris is proposed as a partner" in client.get(page.location).get_data(
        as_text=True
    )


def test_proposal_needs_a_role_and_keeps_the_input(client, db, login_as, post):
    call, application = setup()
    paris = make_org("FR", "local_authority", name="Ville de Paris")
    login_as("applicant", organisation=application.lead)
    page = post(url(application), {"organisation_id": paris.id, "role": ""})
    text = html.unescape(page.get_data(as_text=True))  # the apostrophe is escaped in the page
    assert page.status_code == 400
    assert "Role in the project: Describe the partner's role in the project" in text
    assert f'<option selected value="{paris.id}">' in text
    assert db.session.scalar(select(Partner).where(Partner.organisation_id == paris.id)) is None


def test_lead_itself_or_a_partner_twice_is_refused(client, db, login_as, post):
    call, application = setup()
    koeln = application.partners[0].organisation
    koeln.name = "<b>Köln</b>"
    login_as("applicant", organisation=application.lead)
    page = post(url(application), {"organisation_id": application.lead_id, "role": "Me"})
    assert page.status_code == 400
    assert "The lead applicant cannot also be its own partner." in page.get_data(as_text=True)
    page = post(url(application), {"organisation_id": koeln.id, "role": "Again"})
    assert "&lt;b&gt;Köln&lt;/b&gt; is already a partner of this application." in page.get_data(
        as_text=True
    )
    page = post(url(application), {"organisation_id": make_org(verified=False).id, "role": "x"})
    assert "Choose an organisation from the list." in page.get_data(as_text=True)
    assert len(application.partners) == 1


def test_organisation_select_searches_by_name_and_takes_a_profile_preselection(
    client, db, login_as
):
    call, application = setup()
    paris = make_org("FR", name="Ville de Paris")
    make_org("FR", name="Ville de Lyon")
    make_org("FR", name="Hidden Ville", verified=False)
    login_as("applicant", organisation=application.lead)
    text = client.get(url(application, "?q=ville")).get_data(as_text=True)
    assert "Ville de Paris (France)" in text and "Ville de Lyon (France)" in text
    assert (
        "Hidden Ville" not in text and "Stadt Köln (Germany)" not in text
    )  # unverified; already a partner
    assert "Ville de Lyon" not in client.get(url(application, "?q=paris")).get_data(as_text=True)
    text = client.get(url(application, f"?organisation_id={paris.id}&q=zzz")).get_data(as_text=True)
    assert f'<option selected value="{paris.id}">Ville de Paris (France)</option>' in text


def test_profile_offers_to_invite_to_my_draft_applications(client, db, login_as):
    call, application = setup()
    paris = make_org("FR", name="Ville de Paris", seeking_partner=True)
    login_as("applicant", organisation=application.lead)
    text = client.get(f"/partners/{paris.id}").get_data(as_text=True)
    assert "Invite as partner to my application GTT" in text
    assert f"/applications/{application.id}/partnership?organisation_id={paris.id}" in text.replace(
        "&amp;", "&"
    )
    koeln = application.partners[0].organisation
    assert "Invite as partner" not in client.get(f"/partners/{koeln.id}").get_data(as_text=True)


def test_changing_a_confirmed_partners_role_voids_its_confirmation(app, client, db, login_as, post):
    call, application = setup()
    partner = application.partners[0]
    with app.test_request_context():
        partner.confirmed_terms = current_terms(partner)  # as its confirmation recorded it
    make_user("applicant", organisation=partner.organisation, email="koeln@example.org")
    login_as("applicant", organisation=application.lead, email="lead@example.org")
    field = f"partner-{partner.id}-role"
    page = post(
        url(application, f"/{partner.id}/role"),
        {field: "Hosts the study visits"},
        page=url(application),
    )
    assert (
        page.status_code == 302 and partner.status is PartnerStatus.confirmed
    )  # unchanged: nothing voided
    page = post(
        url(application, f"/{partner.id}/role"),
        {field: "Leads the youth camp"},
        page=url(application),
    )
    assert page.status_code == 302
    db.session.refresh(partner)
    assert partner.role == "Leads the youth camp"
    assert partner.status is PartnerStatus.proposed and partner.confirmed_at is None
    text = client.get(page.location).get_data(as_text=True)
    assert "its confirmation is void and it must confirm again" in text
    assert "Its earlier confirmation was voided because this changed:" in text
    assert "The role of Stadt Köln changed." in text
    [mail] = mails_to("koeln@example.org")
    assert "The role of Stadt Köln changed." in mail.body
    assert "The role of Stadt Köln changed." in mails_to("lead@example.org")[0].body


def test_empty_role_is_refused(client, db, login_as, post):
    call, application = setup()
    partner = application.partners[0]
    login_as("applicant", organisation=application.lead)
    page = post(
        url(application, f"/{partner.id}/role"),
        {f"partner-{partner.id}-role": ""},
        page=url(application),
    )
    assert page.status_code == 400
    assert "Describe the partner&#39;s role in the project" in page.get_data(as_text=True)
    assert partner.role == "Hosts the study visits" and partner.status is PartnerStatus.confirmed


def test_partner_with_budget_lines_cannot_be_removed(client, db, login_as, post):
    call, application = setup()
    partner = application.partners[0]
    login_as("applicant", organisation=application.lead)
    page = post(url(application, f"/{partner.id}/remove"), page=url(application))
    assert "Stadt Köln still incurs 1 budget line(s)" in client.get(page.location).get_data(
        as_text=True
    )
    assert db.session.get(Partner, partner.id) is not None


def test_lead_removes_a_partner(client, db, login_as, post):
    call, application = setup()
    paris = make_org("FR", name="Ville de Paris")
    application.partners.append(Partner(organisation=paris, role="Advice", position=1))
    make_user("applicant", organisation=paris, email="maire@paris.example")
    db.session.flush()
    partner_id = application.partners[1].id
    login_as("applicant", organisation=application.lead)
    page = post(url(application, f"/{partner_id}/remove"), page=url(application))
    assert page.status_code == 302
    assert db.session.get(Partner, partner_id) is None
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "remove_partner"))
    [mail] = mails_to("maire@paris.example")
    assert "no longer proposes Ville de Paris as a partner" in mail.body


def test_others_cannot_edit_the_partnership(client, db, login_as, post):
    call, application = setup()
    partner = application.partners[0]
    paris = make_org("FR")
    login_as("applicant")  # another municipality
    assert client.get(url(application)).status_code == 404
    login_as("applicant", organisation=application.lead, verified_member=False)  # a pending member
    assert client.get(url(application)).status_code == 404
    csrf_page = "/partners"
    for target, data in (
        (url(application), {"organisation_id": paris.id, "role": "x"}),
        (url(application, f"/{partner.id}/role"), {f"partner-{partner.id}-role": "x"}),
        (url(application, f"/{partner.id}/remove"), {}),
    ):
        assert post(target, data, page=csrf_page).status_code == 404
    login_as("applicant", organisation=partner.organisation)  # the partner reads, but cannot edit
    text = client.get(url(application)).get_data(as_text=True)
    assert "Stadt Köln" in text and 'name="organisation_id"' not in text
    assert (
        post(
            url(application), {"organisation_id": paris.id, "role": "x"}, page=csrf_page
        ).status_code
        == 404
    )
    assert len(application.partners) == 1 and partner.role == "Hosts the study visits"


def test_submitted_application_partnership_is_read_only(client, db, login_as, post):
    call, application = setup(status="submitted")
    login_as("applicant", organisation=application.lead)
    text = client.get(url(application)).get_data(as_text=True)
    assert "Stadt Köln" in text and 'name="organisation_id"' not in text
    assert (
        post(
            url(application), {"organisation_id": make_org("FR").id, "role": "x"}, page="/partners"
        ).status_code
        == 403
    )
