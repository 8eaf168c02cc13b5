"""void_confirmations: a budget change sends every confirmed partner back to 'proposed'."""
from sqlalchemy import select

from grants.models import AuditEvent, OutboxMessage, Partner, PartnerStatus
from grants.partners.services import BUDGET_CHANGED, void_confirmations
from tests.factories import make_application, make_call, make_org, make_user


def test_void_confirmations_resets_every_confirmed_partner_and_tells_both_sides(app, db):
    call = make_call("TTGS-2026")
    koeln, paris = make_org("DE", name="Stadt Köln"), make_org("FR", name="Ville de Paris")
    application = make_application(call, partners=[koeln, paris])
    waiting = Partner(organisation=make_org("AT", name="Wien"), role="Advice", position=2)
    application.partners.append(waiting)
    application.partners[0].confirmed_share = application.partners[1].confirmed_share = 1
    make_user("applicant", organisation=koeln, email="koeln@example.org", locale="tr")
    make_user("applicant", organisation=application.lead, email="lead@example.org")
    make_user("applicant", organisation=application.lead, email="pending@example.org", verified_member=False)
    make_user("applicant", organisation=waiting.organisation, email="wien@example.org")
    db.session.flush()

    with app.test_request_context():
        voided = void_confirmations(application, BUDGET_CHANGED)

    assert [p.organisation.name for p in voided] == ["Stadt Köln", "Ville de Paris"]
    for partner in voided:
        assert partner.status is PartnerStatus.proposed
        assert partner.confirmed_at is None and partner.confirmed_by_id is None
        assert partner.confirmed_share is None and partner.confirmed_role == ""
    mails = {m.to: m for m in db.session.scalars(select(OutboxMessage))}
    assert sorted(mails) == ["koeln@example.org", "lead@example.org"]  # not pending, not the unconfirmed
    assert mails["koeln@example.org"].body.startswith("Sayın")  # in the recipient's language
    assert "the application's budget changed" in mails["lead@example.org"].body
    assert len(list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == "lead@example.org")))) == 2
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "void_confirmation")).all()
    assert sorted(e.object_id for e in events) == sorted(str(p.id) for p in voided)
    assert events[0].before["status"] == "confirmed" and events[0].after["reason"] == "budget"


def test_nothing_to_void(app, db):
    application = make_application(make_call(), confirmed=False)
    with app.test_request_context():
        assert void_confirmations(application, "The lead changed the budget") == []
    assert db.session.scalar(select(OutboxMessage)) is None


def test_any_other_reason_is_given_as_written(app, db):
    application = make_application(make_call())
    make_user("applicant", organisation=application.lead, email="lead@example.org")
    with app.test_request_context():
        void_confirmations(application, "the project's duration changed")
    assert "was voided because the project's duration changed." in db.session.scalar(select(OutboxMessage.body))
