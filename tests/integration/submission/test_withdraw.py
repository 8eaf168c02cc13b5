"""Withdrawal: lead members, a reason, until the decision is final; partners told; the lead may
start again."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from grants.models import AuditEvent, OutboxMessage, StageStatus
from grants.models.base import now_utc
from tests.factories import make_application
from tests.factories.submission import partner_member, ready_application, submit, text


@pytest.fixture
def lead(login_as):
    return login_as("applicant")


def withdraw(post, application, reason: str = "The council changed its priorities.", **kw):
    return post(f"/applications/{application.id}/withdraw", {"reason": reason}, **kw)


def test_the_lead_withdraws_a_submitted_application_and_partners_are_told(client, lead, post, db):
    application = ready_application(lead)
    member = partner_member(application)
    db.session.commit()
    submit(post, application)
    response = withdraw(post, application)
    assert response.status_code == 302
    db.session.expire_all()
    stage = application.stages[0]
    assert (
        stage.status is StageStatus.withdrawn
        and stage.withdrawn_reason == "The council changed its priorities."
    )
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "application.withdrawn")
    )
    assert event.before == {"status": "submitted"} and event.user_id == lead.id
    told = db.session.scalars(select(OutboxMessage).where(OutboxMessage.to == member.email)).all()
    assert any(
        "The council changed its priorities." in m.body and application.reference in m.body
        for m in told
    )
    assert "Withdraw the application" not in text(
        client.get(f"/applications/{application.id}/submitted")
    )


def test_a_reason_is_required(client, lead, post, db):
    application = ready_application(lead)
    submit(post, application)
    response = withdraw(post, application, reason="   ")
    assert response.status_code == 400 and "Enter the reason for withdrawing." in text(response)
    db.session.expire_all()
    assert application.stages[0].status is StageStatus.submitted


def test_no_withdrawal_once_the_decision_is_final(client, lead, post, db):
    application = ready_application(lead)
    submit(post, application)
    application.call.finalised_at = now_utc()
    db.session.commit()
    page = text(client.get(f"/applications/{application.id}/withdraw"))
    assert "can no longer be withdrawn" in page
    response = withdraw(post, application, follow_redirects=True)
    assert "This application can no longer be withdrawn." in text(response)
    db.session.expire_all()
    assert application.stages[0].status is StageStatus.submitted


@pytest.mark.parametrize("status", ["inadmissible", "below_threshold", "withdrawn"])
def test_no_withdrawal_from_a_final_state(client, lead, post, db, status):
    application = ready_application(lead)
    application.stages[0].status = StageStatus(status)
    db.session.commit()
    withdraw(post, application)
    db.session.expire_all()
    assert application.stages[0].status is StageStatus(status)


def test_partners_and_others_cannot_withdraw(client, login_as, post, db):
    application = ready_application(login_as("applicant"))
    login_as("applicant", organisation=application.partners[0].organisation)
    assert withdraw(post, application, page="/").status_code == 403
    login_as("applicant")
    assert withdraw(post, application, page="/").status_code == 404
    db.session.expire_all()
    assert application.stages[0].status is StageStatus.draft


def test_a_withdrawn_application_frees_the_lead_for_another(client, lead, post, db):
    first = ready_application(lead)
    second = make_application(first.call, lead=lead.organisation, status="submitted")
    db.session.commit()
    page = f"/applications/{first.id}/check"
    assert "another application in this call" in text(client.get(page))
    withdraw(post, second)
    assert submit(post, first).status_code == 302
    db.session.expire_all()
    assert first.reference is not None
