"""Restricted calls after the concept-note shortlist: staff invite the shortlisted leads (who,
idempotence, deadline and finalised refusals, e-mails in each recipient's language, permissions),
then the invited lead completes the full application and submits it against the full-application
deadline with the same reference."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from grants.applications.services import LineInput, save_budget
from grants.extensions import db as database
from grants.i18n import local_time
from grants.models import ApplicationStage, AuditEvent, Call, OutboxMessage, Stage, StageStatus
from grants.models.base import now_utc
from grants.submission import queries as submission
from tests.conftest import count_queries, sign_in
from tests.factories import make_call, make_org, make_user
from tests.factories.restricted import (
    concept_note,
    count,
    full_stage,
    invite,
    restricted_call,
    text,
    when,
)
from tests.factories.submission import submit


@pytest.fixture
def staff(login_as):
    return login_as("staff", name="Selin Staff")


@pytest.fixture
def call(db) -> Call:
    return restricted_call(reference="TTGS-R")


def test_staff_see_who_will_be_invited_and_the_deadline_in_the_calls_zone(client, db, staff, call):
    first, second = concept_note(call, rank=1, title="Green towns"), concept_note(call, rank=2)
    concept_note(call, "not_shortlisted", rank=3, title="Grey towns")
    ranking = client.get(f"/staff/calls/{call.id}/ranking")
    assert (
        "Concept notes shortlisted: 2, of which invited to submit a full application: 0."
        in text(ranking)
    )
    assert f'href="/staff/calls/{call.id}/invitations"' in ranking.get_data(as_text=True)
    page = text(client.get(f"/staff/calls/{call.id}/invitations"))
    assert f"Full-application deadline: {when(call.deadline, call)}." in page
    assert "(Europe/Istanbul)" in page and "Invite 2 applicants" in page
    assert first.reference in page and second.reference in page and "Grey towns" not in page


def test_with_lots_the_invitation_page_names_each_applications_lot(client, db, staff):
    call = restricted_call(
        total_budget=Decimal("300000.00"),
        lots=[("Culture", Decimal("100000.00")), ("Environment", Decimal("200000.00"))],
    )
    concept_note(call, rank=1)
    page = text(client.get(f"/staff/calls/{call.id}/invitations"))
    assert "Lot Rank Reference" in page and "LOT1 1" in page


def test_inviting_opens_a_draft_full_application_for_each_shortlisted_concept_note_only(
    client, db, staff, post, call
):
    shortlisted = [concept_note(call, rank=n) for n in (1, 2)]
    others = [
        concept_note(call, "not_shortlisted", rank=3),
        concept_note(call, "withdrawn"),
        concept_note(call, "below_threshold"),
    ]
    response = invite(post, call, follow_redirects=True)
    assert "2 lead applicants were invited to submit a full application." in text(response)
    for application in shortlisted:
        stage = full_stage(application)
        assert stage.status is StageStatus.draft and stage.submitted_at is None
        assert application.stage(Stage.concept_note).status is StageStatus.shortlisted
    assert all(full_stage(application) is None for application in others)
    run = database.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "call.full_applications_invited")
    )
    assert run.user_id == staff.id and sorted(run.after["references"]) == sorted(
        a.reference for a in shortlisted
    )
    per_application = database.session.scalars(
        select(AuditEvent.object_id).where(
            AuditEvent.action == "application.invited_to_full_application"
        )
    ).all()
    assert sorted(per_application) == sorted(str(a.id) for a in shortlisted)


def test_inviting_twice_invites_nobody_twice(client, db, staff, post, call):
    application = concept_note(call, rank=1)
    invite(post, call)
    mails, events = count(OutboxMessage), count(AuditEvent)
    again = invite(post, call, follow_redirects=True)
    assert (
        "Every shortlisted applicant had been invited already: nobody was invited again."
        in text(again)
    )
    assert count(ApplicationStage, ApplicationStage.application_id == application.id) == 2
    assert (count(OutboxMessage), count(AuditEvent)) == (mails, events)
    page = text(client.get(f"/staff/calls/{call.id}/invitations"))
    assert (
        "Every shortlisted applicant has been invited already." in page and "Invite 1" not in page
    )


def test_the_lead_and_partner_members_are_told_in_their_own_language(client, db, staff, post, call):
    application = concept_note(call, rank=1, title="Green towns")
    lead = make_user(organisation=application.lead, email="lead@cankaya.bel.tr", locale="tr")
    partner = make_user(
        organisation=application.partners[0].organisation, email="partner@wuerzburg.de", locale="en"
    )
    make_user(organisation=application.lead, email="pending@cankaya.bel.tr", verified_member=False)
    concept_note(
        call, "not_shortlisted", lead=make_user(email="other@example.org", organisation=make_org())
    )
    database.session.commit()
    invite(post, call)
    mails = {m.to: m for m in database.session.scalars(select(OutboxMessage))}
    assert set(mails) == {lead.email, partner.email}
    with force_locale("tr"):
        turkish = local_time(call.deadline, call.timezone)
    english = local_time(call.deadline, call.timezone)
    assert (
        turkish != english
        and turkish in mails[lead.email].body
        and english in mails[partner.email].body
    )
    body = mails[partner.email].body
    assert application.reference in body and f"/applications/{application.id}" in body
    assert "was shortlisted" in body and "is invited to submit the full application by" in body
    assert (
        mails[partner.email].subject
        == f"Application {application.reference}: submit the full application by the deadline"
    )


@pytest.mark.parametrize("offset, accepted", [(timedelta(seconds=-1), True), (timedelta(0), False)])
def test_invitations_are_refused_from_the_full_application_deadline(
    client, db, staff, post, call, fixed_now, offset, accepted
):
    application = concept_note(call, rank=1)
    fixed_now(call.deadline + offset)
    response = invite(post, call)
    assert response.status_code == (302 if accepted else 400)
    assert (full_stage(application) is not None) is accepted
    if not accepted:
        assert f"The full-application deadline ({when(call.deadline, call)}) has passed" in text(
            response
        )
        assert (
            count(OutboxMessage) == 0
            and count(AuditEvent, AuditEvent.action.like("%invited%")) == 0
        )


def test_invitations_are_refused_once_the_call_is_finalised(client, db, staff, post, call):
    application = concept_note(call, rank=1)
    call.finalised_at = now_utc()
    database.session.commit()
    page = text(client.get(f"/staff/calls/{call.id}/invitations"))
    assert "are final: nobody can be invited" in page and "Invite 1 applicant" not in page
    response = invite(post, call)
    assert response.status_code == 400 and "are final: nobody can be invited" in text(response)
    assert full_stage(application) is None
    ranking = client.get(f"/staff/calls/{call.id}/ranking").get_data(as_text=True)
    assert f"/staff/calls/{call.id}/invitations" not in ranking


def test_invitations_wait_until_every_concept_note_has_its_outcome(client, db, staff, post, call):
    application = concept_note(call, rank=1)
    waiting = concept_note(call, "admissible")
    response = invite(post, call)
    assert response.status_code == 400
    assert f"These concept notes have no outcome yet: {waiting.reference}." in text(response)
    assert full_stage(application) is None


@pytest.mark.parametrize("role", ["applicant", "evaluator"])
def test_only_staff_invite(client, db, login_as, post, call, role):
    application = concept_note(call, rank=1)
    login_as(role)
    assert client.get(f"/staff/calls/{call.id}/invitations").status_code == 403
    assert invite(post, call, page="/").status_code == 403
    assert full_stage(application) is None


def test_an_open_call_has_no_invitations(client, db, staff):
    assert client.get(f"/staff/calls/{make_call().id}/invitations").status_code == 404


@pytest.mark.parametrize("page", ["invitations", "ranking"])
def test_the_staff_pages_cost_the_same_queries_for_more_applications(client, db, staff, call, page):
    def queries() -> int:
        with count_queries(database.engine) as statements:
            assert client.get(f"/staff/calls/{call.id}/{page}").status_code == 200
        return len(statements)

    concept_note(call, rank=1)
    small = queries()
    for rank in range(2, 7):
        concept_note(call, rank=rank)
    concept_note(call, "not_shortlisted", rank=7)
    assert queries() == small


# The applicant's side
# ------------------------------------------------------------------------------


@pytest.fixture
def invited(client, db, post, call, login_as):
    """The lead's member, whose shortlisted concept note was invited to the full application."""
    application = concept_note(call, rank=1, title="Green towns")
    login_as("staff")
    invite(post, call)
    lead = make_user(organisation=application.lead, name="Ayşe Lead")
    database.session.commit()
    sign_in(client, lead)
    return application


def test_the_invited_lead_sees_the_deadline_and_can_edit_again(client, db, invited, call):
    due = f"the full application is due by {when(call.deadline, call)}"
    dashboard = text(client.get("/applications"))
    assert (
        f"Concept note shortlisted: {due}." in dashboard and "Draft (Full application)" in dashboard
    )
    page = client.get(f"/applications/{invited.id}")
    assert (
        f"The concept note was shortlisted: {due}. It keeps the reference {invited.reference}."
        in text(page)
    )
    assert "Check and submit" in text(
        page
    ) and f'href="/applications/{invited.id}/project"' in page.get_data(as_text=True)
    assert client.get(f"/applications/{invited.id}/project").status_code == 200
    assert client.get(f"/applications/{invited.id}/budget").status_code == 200


@pytest.mark.parametrize(
    "status, outcome",
    [("not_shortlisted", "was not shortlisted"), ("shortlisted", "will be invited by e-mail")],
)
def test_a_concept_note_not_invited_stays_read_only_and_shows_its_outcome(
    client, db, login_as, post, call, status, outcome
):
    lead = login_as("applicant")
    application = concept_note(call, status, lead=lead)
    page = text(client.get(f"/applications/{application.id}"))
    assert outcome in page and "Check and submit" not in page
    assert client.get(f"/applications/{application.id}/project").status_code == 403
    response = submit(
        post, application, page=f"/applications/{application.id}", follow_redirects=True
    )
    assert "already been submitted" in text(response)
    assert full_stage(application) is None and application.call.next_number == 2


@pytest.mark.parametrize("offset, accepted", [(timedelta(seconds=-1), True), (timedelta(0), False)])
def test_the_full_application_is_submitted_against_its_deadline_with_the_same_reference(
    client, db, post, invited, call, fixed_now, offset, accepted
):
    reference, next_number = invited.reference, call.next_number
    fixed_now(call.deadline + offset)
    response = submit(post, invited)
    assert response.status_code == (302 if accepted else 400)
    stage = full_stage(invited)
    assert stage.status is (StageStatus.submitted if accepted else StageStatus.draft)
    assert (invited.reference, call.next_number) == (reference, next_number)
    if not accepted:
        assert "has passed: applications are no longer accepted" in text(response)
        return
    assert "Submitted (Full application)" in text(client.get(f"/applications/{invited.id}"))
    receipt = client.get(f"/applications/{invited.id}/receipt.pdf")
    assert receipt.status_code == 200 and receipt.data.startswith(b"%PDF")
    assert f"receipt-{reference}.pdf" in receipt.headers["Content-Disposition"]
    assert submission.receipt_for(invited).stage == "full_application"
    assert client.get(f"/applications/{invited.id}/project").status_code == 403


def test_a_budget_change_in_the_full_application_asks_the_partner_to_confirm_again(
    app, client, db, post, invited
):
    rows = [LineInput(line.id, None) for line in invited.budget_lines]
    with app.test_request_context():
        saved, _lines = save_budget(
            invited, rows, {"requested_grant": Decimal("80000.00")}, invited.version
        )
    database.session.commit()
    assert [p.organisation_id for p in saved.voided] == [invited.partners[0].organisation_id]
    response = submit(post, invited)
    assert response.status_code == 400 and "has not confirmed its participation yet" in text(
        response
    )
    assert full_stage(invited).status is StageStatus.draft
