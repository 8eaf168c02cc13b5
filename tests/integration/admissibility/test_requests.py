"""Admissibility clarifications (domain.md 4): staff ask the lead for a document with a deadline,
the lead uploads it, the check decides once no request is open; overrides of automatic checks."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from grants.models import (
    AdmissibilityRequest,
    AttachmentKind,
    AuditEvent,
    CheckOverride,
    OutboxMessage,
    RequestStatus,
    StageStatus,
)
from grants.models.base import now_utc
from tests.conftest import count_queries
from tests.factories import make_authority, make_call, make_org, make_user
from tests.factories.admissibility import answer_url, ask, decide, submitted, url
from tests.factories.submission import EICAR, PDF, partner_member, text

TOMORROW = timedelta(days=1)


@pytest.fixture(autouse=True)
def authority(db):
    return make_authority()


@pytest.fixture
def clock(fixed_now):
    """The clock fixed at noon UTC of a day a week after today (the factories' calls are relative
    to the real time): staff ask on it, days later the deadline has passed."""
    at = (now_utc() + timedelta(days=7)).replace(hour=12, minute=0, second=0, microsecond=0)
    fixed_now(at)
    return at


def local_date(at: datetime, days: int, zone: str = "Europe/Istanbul") -> str:
    return (at.astimezone(ZoneInfo(zone)).date() + timedelta(days=days)).isoformat()


def the_request(db) -> AdmissibilityRequest:
    db.session.expire_all()
    return db.session.scalar(select(AdmissibilityRequest))


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def upload(post, request, data: bytes = PDF, name: str = "signed.pdf", **kw):
    return post(answer_url(request), {"file": (io.BytesIO(data), name)}, **kw)


def test_the_deadline_offered_is_the_calls_days_after_today(client, login_as, db, clock):
    login_as("staff")
    _application, stage = submitted(call=make_call(document_request_days=10))
    page = text(client.get(url(stage)))
    assert f'value="{local_date(clock, 10)}"' in page
    assert "By default 10 days from today" in page


def test_staff_ask_the_lead_who_is_told_in_their_language(client, login_as, post, db, clock):
    application, stage = submitted()
    english = make_user(organisation=application.lead, email="en@lead.example", locale="en")
    turkish = make_user(organisation=application.lead, email="tr@lead.example", locale="tr")
    partner = partner_member(application, email="partner@example.org")
    staff = login_as("staff")
    response = ask(post, stage, local_date(clock, 7))
    assert response.status_code == 302
    request = the_request(db)
    assert request.status is RequestStatus.open and request.document == "declaration"
    assert request.requested_at == clock and request.requested_by_id == staff.id
    assert request.due_at.astimezone(UTC) > clock + timedelta(days=6)
    sent = {m.to: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(sent) == {english.email, turkish.email} and partner.email not in sent
    assert "Signed declaration of the lead applicant" in sent[english.email].body
    assert sent[turkish.email].body.startswith("Sayın")
    assert "not signed by the legal representative" in sent[turkish.email].body
    [event] = events(db, "admissibility_request.asked")
    assert event.application_id == application.id and event.user_id == staff.id
    assert "Documents requested from the lead" in text(client.get(url(stage)))


def test_a_request_needs_a_message_and_a_deadline_after_today(client, login_as, post, db, clock):
    _application, stage = submitted()
    login_as("staff")
    response = ask(post, stage, local_date(clock, 0), document="other", other="", message=" ")
    assert response.status_code == 400
    page = text(response)
    assert "Say which document you ask for." in page or "Say what is missing" in page
    response = ask(post, stage, local_date(clock, 0), message="Send the signed version.")
    assert response.status_code == 400
    assert "The deadline must be after today" in text(response)
    assert "Send the signed version." in text(response)  # what was typed is kept
    assert the_request(db) is None


def test_the_decision_waits_while_a_request_is_open_and_then_the_request_lapses(
    client, login_as, post, db, clock, fixed_now
):
    _application, stage = submitted()
    staff = login_as("staff")
    ask(post, stage, local_date(clock, 7))
    response = decide(post, stage, "admissible")
    assert response.status_code == 400
    assert "the check can be decided once the lead has answered it" in text(response)
    db.session.expire_all()
    assert stage.status is StageStatus.submitted
    fixed_now(clock + timedelta(days=8))
    assert decide(post, stage, "admissible").status_code == 302
    request = the_request(db)
    assert request.status is RequestStatus.lapsed
    assert stage.status is StageStatus.admissible
    [event] = events(db, "admissibility_request.lapsed")
    assert event.user_id == staff.id


def test_the_lead_sees_the_request_and_uploads_the_document(client, login_as, post, db, clock):
    application, stage = submitted()
    login_as("staff")
    ask(post, stage, local_date(clock, 7))
    request = the_request(db)
    lead = login_as("applicant", organisation=application.lead)
    page = text(client.get(f"/applications/{application.id}"))
    assert "Document requested: Signed declaration of the lead applicant" in page
    assert "not signed by the legal representative" in page and "Upload it by" in page
    response = upload(post, request)
    assert response.status_code == 302
    request = the_request(db)
    assert request.status is RequestStatus.answered and request.answered_by_id == lead.id
    assert request.attachment.original_name == "signed.pdf"
    declarations = [a for a in application.attachments if a.kind is AttachmentKind.declaration]
    assert [a.original_name for a in declarations] == ["signed.pdf"]  # it replaced the old one
    [event] = events(db, "admissibility_request.answered")
    assert event.application_id == application.id
    assert "Thank you: the document was received." in text(client.get(answer_url(request)))
    login_as("staff")
    assert decide(post, stage, "admissible").status_code == 302  # answered: the check decides


def test_an_upload_is_checked_as_every_attachment(client, login_as, post, db, clock):
    application, stage = submitted()
    login_as("staff")
    ask(post, stage, local_date(clock, 7))
    request = the_request(db)
    login_as("applicant", organisation=application.lead)
    response = upload(post, request, EICAR, "virus.pdf")
    assert response.status_code == 400
    assert the_request(db).status is RequestStatus.open


def test_after_the_deadline_the_upload_is_refused(client, login_as, post, db, clock, fixed_now):
    application, stage = submitted()
    login_as("staff")
    ask(post, stage, local_date(clock, 7))
    request = the_request(db)
    login_as("applicant", organisation=application.lead)
    fixed_now(clock + timedelta(days=8))
    page = text(client.get(answer_url(request)))
    assert "The deadline has passed: the document can no longer be uploaded." in page
    response = upload(post, request, page=f"/applications/{application.id}/attachments")
    assert response.status_code == 400
    assert "it can no longer be uploaded" in text(response)
    request = the_request(db)
    assert request.status is RequestStatus.open and request.attachment_id is None


def test_only_the_leads_members_reach_a_request(client, login_as, post, db, clock):
    application, stage = submitted()
    login_as("staff")
    ask(post, stage, local_date(clock, 7))
    request = the_request(db)
    assert client.get(answer_url(request)).status_code == 403  # staff
    login_as(user=partner_member(application))
    assert client.get(answer_url(request)).status_code == 403
    login_as("applicant", organisation=make_org())
    assert client.get(answer_url(request)).status_code == 404
    other, _stage = submitted()
    login_as("applicant", organisation=other.lead)
    wrong = f"/applications/{other.id}/document-requests/{request.id}"
    assert client.get(wrong).status_code == 404


def test_an_override_requires_a_reason_and_is_shown_and_audited(client, login_as, post, db):
    application, stage = submitted()
    db.session.delete(
        next(a for a in application.attachments if a.kind is AttachmentKind.declaration)
    )
    db.session.commit()
    staff = login_as("staff")
    address = f"{url(stage)}/overrides"
    data = {"check": "documents", "outcome": "met", "reason": "   "}
    response = post(address, data, page=url(stage))
    assert response.status_code == 400
    assert "Enter the reason for overriding the automatic check." in text(response)
    assert db.session.scalar(select(CheckOverride)) is None
    assert decide(post, stage, "admissible").status_code == 400
    reason = "The signed declaration arrived by registered post on 3 December."
    response = post(address, {**data, "reason": reason}, page=url(stage))
    assert response.status_code == 302
    row = db.session.scalar(select(CheckOverride))
    assert row.met and row.reason == reason and row.user_id == staff.id
    page = text(client.get(url(stage)))
    assert "Overridden by staff" in page and reason in page
    [event] = events(db, "admissibility_check.overridden")
    assert event.application_id == application.id and event.after["justification"] == reason
    assert event.after["computed_met"] is False
    assert decide(post, stage, "admissible").status_code == 302
    history = text(client.get(f"/staff/audit?application={application.reference}"))
    assert "Automatic check overridden by staff" in history and reason in history


def test_a_passed_check_may_be_overridden_to_not_met(client, login_as, post, db):
    _application, stage = submitted()
    login_as("staff")
    reason = "The lead's registration certificate is not genuine."
    data = {"check": "eligibility", "outcome": "not_met", "reason": reason}
    assert post(f"{url(stage)}/overrides", data, page=url(stage)).status_code == 302
    assert decide(post, stage, "admissible").status_code == 400
    assert decide(post, stage, "inadmissible").status_code == 302
    db.session.expire_all()
    assert reason in stage.inadmissible_reasons
    # the computed result chosen again removes the override
    data = {"check": "eligibility", "outcome": "met", "reason": "Confirmed after all."}
    assert post(f"{url(stage)}/overrides", data, page=url(stage)).status_code == 302
    assert db.session.scalar(select(CheckOverride)) is None
    assert events(db, "admissibility_check.override_removed")


def test_the_pages_run_a_constant_number_of_queries_as_requests_grow(client, login_as, db, clock):
    application, stage = submitted()
    lead = make_user(organisation=application.lead, email="lead@lead.example")
    staff = make_user("staff", email="checker@example.org")

    def add(n: int) -> None:
        for _ in range(n):
            db.session.add(
                AdmissibilityRequest(
                    stage_id=stage.id,
                    document="other",
                    other="Registration certificate",
                    message="Send it.",
                    due_at=clock + timedelta(days=3),
                    requested_by_id=staff.id,
                    requested_at=clock,
                )
            )
        db.session.commit()

    def queries(user, address: str) -> int:
        login_as(user=user)
        client.get(address)  # warm up
        with count_queries(db.engine) as statements:
            assert client.get(address).status_code == 200
        return len(statements)

    pages = ((staff, url(stage)), (lead, f"/applications/{application.id}"))
    add(1)
    few = [queries(user, address) for user, address in pages]
    add(6)
    assert [queries(user, address) for user, address in pages] == few
