"""Submitting: the reference number, read-only afterwards, e-mails, audit, idempotence, the server's
clock at the exact second of the deadline, permissions, and numbering under concurrency
(PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, select

from grants.extensions import db as _db
from grants.models import (
    Application,
    ApplicationStage,
    AuditEvent,
    Call,
    Organisation,
    OutboxMessage,
    Stage,
    StageStatus,
)
from grants.submission.services import submit as services
from tests.factories import make_application, make_call, make_org, make_user
from tests.factories.submission import check_url, partner_member, ready_application, submit, text


@pytest.fixture
def lead(login_as):
    return login_as("applicant", name="Ayşe Lead")


def test_submit_gives_the_next_reference_and_shows_it(client, lead, post, db):
    call = make_call(reference="TTGS-2018")
    make_application(call, submitted=True)  # TTGS-2018-0001 exists already
    application = ready_application(lead, call, requested_grant=Decimal("90000.00"))
    response = submit(post, application)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/applications/{application.id}/submitted")
    db.session.expire_all()
    stage = application.stages[0]
    assert (application.number, application.reference) == (2, "TTGS-2018-0002")
    assert stage.status is StageStatus.submitted and stage.submitted_at is not None
    assert stage.requested_grant == Decimal("90000.00") and call.next_number == 3
    page = text(client.get(response.headers["Location"]))
    assert (
        "Application submitted" in page and "TTGS-2018-0002" in page and "What happens next" in page
    )
    assert f"/applications/{application.id}/receipt.pdf" in page


def test_the_reference_grows_past_four_digits():
    assert services.reference_for("TTGS-2018", 7) == "TTGS-2018-0007"
    assert services.reference_for("TTGS-2018", 12345) == "TTGS-2018-12345"


def test_submission_is_audited_and_mailed_to_the_partnership(client, lead, post, db):
    application = ready_application(lead)
    member = partner_member(application, email="partner@example.eu")
    make_user(
        organisation=application.partners[0].organisation,
        verified_member=False,
        email="pending@example.eu",
    )
    db.session.commit()
    submit(post, application)
    db.session.expire_all()
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "application.submitted")
    )
    assert event.user_id == lead.id and event.after["reference"] == application.reference
    mails = {m.to: m for m in db.session.scalars(select(OutboxMessage))}
    assert set(mails) == {lead.email, member.email}
    assert application.reference in mails[member.email].body
    assert mails[lead.email].subject == f"Application {application.reference} received"


def test_a_submitted_application_is_read_only_and_a_second_submission_takes_no_number(
    client, lead, post, db
):
    application = ready_application(lead)
    submit(post, application)
    db.session.expire_all()
    reference, next_number = application.reference, application.call.next_number
    again = submit(post, application, follow_redirects=True)
    assert "already been submitted" in text(again) and reference in text(again)
    db.session.expire_all()
    assert application.reference == reference and application.call.next_number == next_number
    assert client.get(f"/applications/{application.id}/attachments").status_code == 200
    upload = post(
        f"/applications/{application.id}/attachments",
        {"document": "annex"},
        page=check_url(application),
    )
    assert upload.status_code == 403
    assert "Submit the application" not in text(client.get(check_url(application)))


def test_the_service_refuses_a_second_submission(app, lead, db):
    application = ready_application(lead)
    with app.test_request_context():
        services.submit(application)
        with pytest.raises(services.AlreadySubmitted):
            services.submit(application)


@pytest.mark.parametrize(
    "offset, accepted",
    [(timedelta(seconds=-1), True), (timedelta(0), False), (timedelta(seconds=1), False)],
)
def test_the_deadline_is_exclusive_by_the_servers_clock(
    client, lead, post, db, fixed_now, offset, accepted
):
    application = ready_application(lead)
    deadline = application.call.deadline
    fixed_now(deadline + offset)
    response = submit(post, application)
    assert response.status_code == (302 if accepted else 400)
    db.session.expire_all()
    assert (application.reference is not None) is accepted
    if not accepted:
        assert "has passed: applications are no longer accepted" in text(response)


def test_a_concept_note_is_refused_at_the_concept_note_deadline(client, lead, post, db, fixed_now):
    call = make_call(procedure="restricted")
    application = ready_application(lead, call)
    application.stages[0].stage = Stage.concept_note
    db.session.commit()
    fixed_now(call.concept_note_deadline)
    response = submit(post, application)
    assert response.status_code == 400 and "The concept-note deadline" in text(response)


def test_a_full_application_keeps_the_concept_notes_reference(client, lead, post, db):
    call = make_call(reference="TTGS-R", procedure="restricted")
    application = ready_application(lead, call)
    application.stages.append(
        ApplicationStage(
            stage=Stage.concept_note, status=StageStatus.shortlisted, submitted_at=call.opens_at
        )
    )
    application.number, application.reference, call.next_number = 1, "TTGS-R-0001", 2
    db.session.commit()
    assert submit(post, application).status_code == 302
    db.session.expire_all()
    assert application.reference == "TTGS-R-0001" and call.next_number == 2
    assert application.stage(Stage.full_application).status is StageStatus.submitted


@pytest.mark.parametrize("who", ["other municipality", "evaluator", "uninvited partner", "staff"])
def test_others_cannot_see_check_or_submit(client, login_as, post, db, who):
    owner = make_user(organisation=make_org())
    application = ready_application(owner)
    if who == "uninvited partner":
        login_as("applicant", organisation=make_org("DE", "local_authority"))
    else:
        login_as(
            {"other municipality": "applicant", "evaluator": "evaluator", "staff": "staff"}[who]
        )
    assert client.get(check_url(application)).status_code == 404
    response = submit(post, application, page="/")
    assert response.status_code == 404
    db.session.expire_all()
    assert application.reference is None


def test_an_invited_partner_may_look_but_not_submit(client, login_as, post, db):
    application = ready_application(make_user(organisation=make_org()))
    login_as("applicant", organisation=application.partners[0].organisation)
    page = client.get(check_url(application))
    assert page.status_code == 200 and "Submit the application" not in text(page)
    assert submit(post, application).status_code == 403
    db.session.expire_all()
    assert application.reference is None


@pytest.mark.postgres
def test_concurrent_submissions_get_references_without_gaps_or_duplicates(app):
    """Twenty applications submitted at once, each in its own session that really commits."""
    n = 20
    with app.app_context():
        if _db.engine.dialect.name != "postgresql":
            pytest.skip("needs PostgreSQL: SQLite serialises every writer")
        call = make_call(reference="CONCURRENT-1")
        applications = [
            ready_application(make_org(), call) for _ in range(n)
        ]  # no members: no e-mail
        call_id, ids = call.id, [a.id for a in applications]
        org_ids = {a.lead_id for a in applications} | {
            p.organisation_id for a in applications for p in a.partners
        }
        _db.session.remove()
    barrier, errors = threading.Barrier(n, timeout=30), []

    def worker(application_id: int) -> None:
        with app.test_request_context():
            try:
                application = _db.session.get(Application, application_id)
                barrier.wait()
                services.submit(application)
                _db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with app.app_context():
            references = _db.session.scalars(
                select(Application.reference).where(Application.call_id == call_id)
            )
            assert not errors
            assert sorted(references) == [f"CONCURRENT-1-{i:04d}" for i in range(1, n + 1)]
            assert _db.session.get(Call, call_id).next_number == n + 1
    finally:
        with app.app_context():
            _cleanup(call_id, ids, org_ids)


def _cleanup(call_id: int, application_ids: list[int], org_ids: set[int]) -> None:
    _db.session.execute(
        delete(AuditEvent).where(
            AuditEvent.object_type == "Application",
            AuditEvent.object_id.in_([str(i) for i in application_ids]),
        )
    )
    for application in _db.session.scalars(
        select(Application).where(Application.id.in_(application_ids))
    ):
        _db.session.delete(application)
    _db.session.flush()
    _db.session.execute(delete(Call).where(Call.id == call_id))
    _db.session.execute(delete(Organisation).where(Organisation.id.in_(org_ids)))
    _db.session.commit()
