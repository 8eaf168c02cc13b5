"""The staff admissibility and eligibility check: automatic checks, manual checks, the decision, the
e-mail."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.models import Assignment, AttachmentKind, AuditEvent, OutboxMessage, StageStatus
from tests.conftest import _CSRF as CSRF
from tests.factories import make_authority, make_call, make_user
from tests.factories.admissibility import ALL_TICKED, decide, submitted, url
from tests.factories.submission import text


@pytest.fixture(autouse=True)
def authority(db):
    """Letter settings given: letters can be issued."""
    return make_authority()


@pytest.fixture
def staff(login_as):
    return login_as("staff")


def words(response) -> str:
    """The page's text without its tags, as a reader sees it."""
    return " ".join(re.sub(r"<[^>]+>", " ", text(response)).split())


def test_every_automatic_check_is_met_for_a_complete_application(client, staff, db):
    _application, stage = submitted()
    page = text(client.get(url(stage)))
    assert "Submitted before the deadline" in page and "Partners confirmed" in page
    assert "Not met" not in page


def test_a_missing_partnership_statement_is_not_met(client, staff, db):
    application, stage = submitted()
    statement = next(
        a for a in application.attachments if a.kind is AttachmentKind.partnership_statement
    )
    db.session.delete(statement)
    db.session.commit()
    page = words(client.get(url(stage)))
    partner = application.partners[0].organisation.name
    assert (
        f"Not met Documents complete: the declaration and a partnership statement per partner "
        f"Upload the partnership statement of {partner}." in page
    )
    assert page.count("Not met") == 1


def test_a_late_submission_and_an_unconfirmed_partner_are_not_met(client, staff, db):
    application, stage = submitted(
        call=make_call(deadline_in=timedelta(days=-1), opens_in=timedelta(days=-9)), confirmed=False
    )
    page = text(client.get(url(stage)))
    assert "not before the deadline" in page
    assert (
        f"{application.partners[0].organisation.name} has not confirmed its participation yet."
        in page
    )


def test_admissible_is_refused_while_a_manual_check_is_not_met(client, staff, post, db):
    _application, stage = submitted()
    ticked = dict(ALL_TICKED)
    ticked.pop("manual_documents_legible")
    response = decide(post, stage, "admissible", ticked=ticked)
    assert response.status_code == 400
    assert "admissible only when every check is met; 1 not met" in text(response)
    db.session.expire_all()
    assert stage.status is StageStatus.submitted


def test_admissible_is_refused_while_an_automatic_check_is_not_met(client, staff, post, db):
    application, stage = submitted()
    db.session.delete(
        next(a for a in application.attachments if a.kind is AttachmentKind.declaration)
    )
    db.session.commit()
    response = decide(post, stage, "admissible")
    assert response.status_code == 400
    db.session.expire_all()
    assert stage.status is StageStatus.submitted


def test_admissible_is_recorded_and_audited(client, staff, post, db):
    _application, stage = submitted()
    response = decide(post, stage, "admissible")
    assert response.status_code == 302
    db.session.expire_all()
    assert stage.status is StageStatus.admissible and stage.inadmissible_reasons == []
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "application.admissibility_checked")
    )
    assert event.before["status"] == "submitted" and event.after["status"] == "admissible"
    assert event.user_id == staff.id


def test_inadmissible_requires_a_reason(client, staff, post, db):
    _application, stage = submitted()
    response = decide(post, stage, "inadmissible")
    assert response.status_code == 400
    assert "give at least one reason" in text(response)
    db.session.expire_all()
    assert stage.status is StageStatus.submitted


def test_inadmissible_stores_the_unmet_checks_and_the_further_reasons(client, staff, post, db):
    application, stage = submitted()
    db.session.delete(
        next(a for a in application.attachments if a.kind is AttachmentKind.declaration)
    )
    db.session.commit()
    ticked = dict(ALL_TICKED)
    ticked.pop("manual_declaration_signed")
    response = decide(post, stage, "inadmissible", "The budget annex is unreadable.", ticked)
    assert response.status_code == 302
    db.session.expire_all()
    assert stage.status is StageStatus.inadmissible
    assert stage.inadmissible_reasons == [
        "Upload the lead applicant's signed declaration.",
        "The declaration is not signed by the lead applicant's legal representative.",
        "The budget annex is unreadable.",
    ]


def test_the_lead_members_are_told_in_their_language_with_the_reasons(client, staff, post, db):
    application, stage = submitted()
    english = make_user(organisation=application.lead, email="en@lead.example", locale="en")
    turkish = make_user(organisation=application.lead, email="tr@lead.example", locale="tr")
    make_user(organisation=application.lead, email="pending@lead.example", verified_member=False)
    partner = make_user(
        organisation=application.partners[0].organisation, email="partner@example.org"
    )
    db.session.commit()
    decide(post, stage, "inadmissible", "The budget annex is unreadable.")
    sent = {m.to: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(sent) == {english.email, turkish.email}
    assert partner.email not in sent
    assert (
        "inadmissible" in sent[english.email].body
        and "The budget annex is unreadable." in sent[english.email].body
    )
    assert (
        sent[turkish.email].body.startswith("Sayın")
        and "The budget annex is unreadable." in sent[turkish.email].body
    )
    assert application.reference in sent[english.email].subject


def test_a_decision_can_change_until_an_evaluator_is_assigned(client, staff, post, db):
    _application, stage = submitted()
    decide(post, stage, "inadmissible", "Unreadable annex.")
    assert decide(post, stage, "admissible").status_code == 302
    db.session.expire_all()
    assert stage.status is StageStatus.admissible and stage.inadmissible_reasons == []
    token = CSRF.search(client.get(url(stage)).get_data(as_text=True)).group(1)
    db.session.add(Assignment(stage_id=stage.id, evaluator_id=make_user("evaluator").id))
    db.session.commit()
    page = text(client.get(url(stage)))
    assert (
        "Evaluators have been assigned to this application" in page
        and "Record the decision" not in page
    )
    response = client.post(
        url(stage),
        data={
            **ALL_TICKED,
            "decision": "inadmissible",
            "further_reasons": "Late.",
            "csrf_token": token,
        },
    )
    assert response.status_code == 400 and "Evaluators have been assigned" in text(response)
    db.session.expire_all()
    assert stage.status is StageStatus.admissible


def test_a_decision_can_be_taken_again_either_way_and_its_reasons_changed(client, staff, post, db):
    """admissible -> inadmissible and back are edges of the transition table; the same outcome again
    only changes its reasons."""
    _application, stage = submitted()
    assert decide(post, stage, "admissible").status_code == 302
    assert decide(post, stage, "inadmissible", "Unreadable annex.").status_code == 302
    db.session.expire_all()
    assert stage.status is StageStatus.inadmissible and stage.inadmissible_reasons == [
        "Unreadable annex."
    ]
    assert decide(post, stage, "inadmissible", "The annex is missing.").status_code == 302
    db.session.expire_all()
    assert stage.status is StageStatus.inadmissible and stage.inadmissible_reasons == [
        "The annex is missing."
    ]
    before = db.session.scalars(
        select(AuditEvent.before)
        .where(AuditEvent.action == "application.admissibility_checked")
        .order_by(AuditEvent.id)
    ).all()
    assert [event["status"] for event in before] == ["submitted", "admissible", "inadmissible"]


def test_the_applicant_sees_the_reasons_on_the_application_page(client, db, login_as):
    from tests.factories import make_application, make_call

    application = make_application(make_call(), status="inadmissible")
    application.stages[0].inadmissible_reasons = ["The declaration is not signed <by the mayor>."]
    db.session.commit()
    login_as("applicant", organisation=application.lead)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "Reasons the application is inadmissible" in page
    assert "The declaration is not signed &lt;by the mayor&gt;." in page


def test_the_check_list_is_paged_by_the_one_pager(client, staff, db, monkeypatch):
    monkeypatch.setattr("grants.admissibility.queries.PAGE_SIZE", 1)
    first, _stage = submitted()
    second, _stage = submitted(call=first.call)
    db.session.commit()
    base = f"/staff/calls/{first.call_id}/admissibility"
    one, two = words(client.get(base)), words(client.get(f"{base}?page=2"))
    assert first.reference in one and second.reference not in one
    assert second.reference in two and first.reference not in two
    html = client.get(f"{base}?page=2").get_data(as_text=True)
    assert 'aria-current="page">2</a>' in html and f"{base}?page=1" in html
