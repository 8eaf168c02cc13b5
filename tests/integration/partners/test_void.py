"""review_confirmations: a confirmation covers what the partner read; a change to it voids the
confirmation."""

from decimal import Decimal

from sqlalchemy import select

from grants.models import AuditEvent, OutboxMessage, Partner, PartnerStatus
from grants.partners.queries import current_terms
from grants.partners.services.confirmations import review_confirmations
from tests.factories import make_application, make_call, make_org, make_user


def confirmed_as_read(app, application):
    """Record, for each confirmed partner, what its confirmation page shows now (as confirming
    does)."""
    with app.test_request_context():
        for partner in application.partners:
            if partner.status is PartnerStatus.confirmed:
                partner.confirmed_terms = current_terms(partner)


def mails(db):
    return {m.to: m for m in db.session.scalars(select(OutboxMessage))}


def test_a_change_the_partner_read_voids_and_both_sides_are_told_what_changed(app, db):
    call = make_call("TTGS-2026")
    koeln, paris = make_org("DE", name="Stadt Köln"), make_org("FR", name="Ville de Paris")
    application = make_application(call, partners=[koeln, paris])
    waiting = Partner(organisation=make_org("AT", name="Wien"), role="Advice", position=2)
    application.partners.append(waiting)
    make_user("applicant", organisation=koeln, email="koeln@example.org", locale="tr")
    make_user("applicant", organisation=application.lead, email="lead@example.org")
    make_user(
        "applicant",
        organisation=application.lead,
        email="pending@example.org",
        verified_member=False,
    )
    make_user("applicant", organisation=waiting.organisation, email="wien@example.org")
    db.session.flush()
    confirmed_as_read(app, application)

    application.duration_months = 18
    application.budget_lines[1].quantity = Decimal("5")  # Köln's study visits: 40,000 -> 50,000
    with app.test_request_context():
        voided = review_confirmations(application)

    assert [p.organisation.name for p in voided] == ["Stadt Köln", "Ville de Paris"]
    for partner in voided:
        assert partner.status is PartnerStatus.proposed
        assert partner.confirmed_at is None and partner.confirmed_by_id is None
        assert partner.confirmed_terms is not None  # kept, to say what changed since
    sent = mails(db)
    assert sorted(sent) == [
        "koeln@example.org",
        "lead@example.org",
    ]  # not pending, not the unconfirmed
    lead_mails = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.to == "lead@example.org")
    ).all()
    koeln_to_lead = next(body for body in lead_mails if "Stadt Köln" in body)
    assert "Duration: 24 months before, 18 months now." in koeln_to_lead
    assert (
        "Share of Stadt Köln in the direct costs: €40,000.00 before, €50,000.00 now."
        in koeln_to_lead
    )
    assert "Total eligible costs: €107,000.00 before, €117,000.00 now." in koeln_to_lead
    assert "The budget lines of Stadt Köln changed." in koeln_to_lead
    paris_to_lead = next(body for body in lead_mails if "Ville de Paris" in body)
    assert (
        "Share of Ville de Paris" not in paris_to_lead
    )  # Paris has no line: its share did not change
    assert "Duration: 24 months before, 18 months now." in paris_to_lead
    koeln_body = sent["koeln@example.org"].body
    assert koeln_body.startswith("Sayın") and "önce €40.000,00, şimdi €50.000,00" in koeln_body
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "void_confirmation")
    ).all()
    assert sorted(e.object_id for e in events) == sorted(str(p.id) for p in voided)
    assert (
        "duration_months" in events[0].after["changes"]
        and events[0].before["status"] == "confirmed"
    )


def test_what_the_page_does_not_show_leaves_the_confirmation(app, db):
    application = make_application(make_call())
    confirmed_as_read(app, application)
    application.activities = "Other activities."  # not on the partner's confirmation page
    application.budget_lines[
        0
    ].description = "Lead staff"  # the lead's own line: not shown to the partner
    with app.test_request_context():
        assert review_confirmations(application) == []
    assert application.partners[0].status is PartnerStatus.confirmed
    assert db.session.scalar(select(OutboxMessage)) is None


def test_title_lot_summary_and_role_each_void(app, db):
    call = make_call(lots=[("Environment", Decimal("1000000")), ("Culture", Decimal("1600000"))])
    for change in (
        {"title": "Blue twin towns"},
        {"lot": call.lots[1]},
        {"summary": "Other."},
        {"objectives": "Other."},
        {"acronym": "BTT"},
        {"requested_grant": Decimal("80000.00")},
    ):
        application = make_application(call)
        confirmed_as_read(app, application)
        for name, value in change.items():
            setattr(application, name, value)
        with app.test_request_context():
            assert review_confirmations(application) == application.partners, change
    application = make_application(call)
    confirmed_as_read(app, application)
    application.partners[0].role = "Hosts the workshops"
    with app.test_request_context():
        assert review_confirmations(application) == application.partners


def test_a_confirmation_without_a_record_is_voided_by_any_reviewed_save(app, db):
    application = make_application(make_call())  # confirmed before confirmations kept a record
    make_user("applicant", organisation=application.lead, email="lead@example.org")
    with app.test_request_context():
        assert review_confirmations(application) == application.partners
    assert "The application changed since the confirmation." in db.session.scalar(
        select(OutboxMessage.body)
    )


def test_nothing_confirmed_nothing_to_void(app, db):
    application = make_application(make_call(), confirmed=False)
    with app.test_request_context():
        assert review_confirmations(application) == []
    assert db.session.scalar(select(OutboxMessage)) is None
