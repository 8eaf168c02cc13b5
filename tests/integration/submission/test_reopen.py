"""Corrections until the deadline: the lead reopens a submitted application, which keeps its
reference, is a draft again and counts only if submitted again before the deadline; staff see the
last submitted version meanwhile."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select, update

from grants.awards.queries.letters import letter_stages
from grants.awards.queries.overview import submitted_stages
from grants.calls.queries import has_submissions
from grants.models import (
    Application,
    ApplicationStage,
    AuditEvent,
    OutboxMessage,
    Stage,
    StageStatus,
)
from grants.submission.queries import Refusal
from grants.submission.services import reopen as reopen_service
from grants.submission.services.submit import keep_submitted_version
from tests.factories import make_authority, make_call, make_org, make_user
from tests.factories.committee import approve_committee
from tests.factories.submission import partner_member, ready_application, submit, text


@pytest.fixture
def lead(login_as):
    return login_as("applicant", organisation=make_org(name="Nilüfer Belediyesi"))


@pytest.fixture
def submitted(lead, post, db):
    application = ready_application(
        lead,
        make_call(reference="TTGS-2026", timezone="Europe/Istanbul"),
        title="Green twin towns",
        summary="Zero waste in both towns.",
    )
    assert submit(post, application).status_code == 302
    db.session.expire_all()
    return application


def reopen(post, application, **kw):
    return post(f"/applications/{application.id}/reopen", **kw)


def stage_of(application):
    return application.stages[0]


def words(response) -> str:
    """The page's text without its tags, as a screen reader reads it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text(response))).replace(" .", ".")


def pdf_text(response) -> str:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return re.sub(
        r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    )


def test_the_confirmation_page_explains_what_reopening_means(client, submitted):
    page = text(client.get(f"/applications/{submitted.id}/reopen"))
    assert (
        "It is no longer submitted." in page
        and "counts only if you submit it again before the deadline" in page
    )
    assert "It keeps its reference number, TTGS-2026-0001." in page and "(Europe/Istanbul)" in page
    assert "Reopen the application to correct it" in text(
        client.get(f"/applications/{submitted.id}/submitted")
    )


def test_the_lead_reopens_it_keeps_its_reference_and_everyone_is_told(
    client, lead, submitted, post, db
):
    turkish = make_user(organisation=lead.organisation, locale="tr")
    member = partner_member(submitted)
    db.session.commit()
    response = reopen(post, submitted)
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/applications/{submitted.id}"
    )
    db.session.expire_all()
    stage = stage_of(submitted)
    assert stage.status is StageStatus.draft and stage.reopened_at is not None
    assert stage.submitted_at is None and stage.last_submitted_at is not None  # not submitted now
    assert submitted.reference == "TTGS-2026-0001" and submitted.number == 1
    assert all(
        p.status.value == "confirmed" for p in submitted.partners
    )  # nothing they confirmed changed
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "application.reopened"))
    assert event.before == {"status": "submitted"} and event.after["reference"] == "TTGS-2026-0001"
    assert event.user_id == lead.id
    deadline = submitted.call.deadline.astimezone(ZoneInfo("Europe/Istanbul"))
    mails = {
        m.to: m
        for m in db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.subject.contains("reopen") | OutboxMessage.subject.contains("yeniden")
            )
        )
    }
    assert {lead.email, turkish.email, member.email} <= set(mails)
    assert (
        f"before {deadline.strftime('%b')} {deadline.day}, {deadline.year}"
        in mails[lead.email].body
    )
    assert (
        "(Europe/Istanbul)" in mails[lead.email].body and "will not count" in mails[lead.email].body
    )
    assert (
        "(Europe/Istanbul)" in mails[turkish.email].body
        and "yeniden" in mails[turkish.email].subject
    )
    assert "confirmation stays valid" in mails[member.email].body
    page = words(client.get(f"/applications/{submitted.id}"))
    assert "Reopened: not submitted. Submit again before" in page and "or it will not count" in page
    assert "Reopened: not submitted" in text(client.get("/applications"))


def test_a_double_click_reopens_once(client, submitted, post, db):
    assert reopen(post, submitted).status_code == 302
    page = text(
        reopen(post, submitted, page=f"/applications/{submitted.id}", follow_redirects=True)
    )
    assert "This application is already reopened" in page
    db.session.expire_all()
    count = select(func.count(AuditEvent.id)).where(AuditEvent.action == "application.reopened")
    assert db.session.scalar(count) == 1


def test_resubmitting_keeps_the_reference_and_number_and_says_which_submission_it_is(
    client, submitted, post, db
):
    first = stage_of(submitted).submitted_at
    reopen(post, submitted)
    submitted.title = "Green twin towns, corrected"
    db.session.commit()
    assert submit(post, submitted).status_code == 302
    db.session.expire_all()
    stage = stage_of(submitted)
    assert stage.status is StageStatus.submitted and stage.reopened_at is None
    assert (submitted.reference, submitted.number, submitted.call.next_number) == (
        "TTGS-2026-0001",
        1,
        2,
    )
    assert (
        stage.submissions == 2 and stage.first_submitted_at == first and stage.submitted_at >= first
    )
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "application.resubmitted")
    )
    assert event.after["submission"] == 2 and event.after["reference"] == "TTGS-2026-0001"
    assert "Application submitted again" in text(
        client.get(f"/applications/{submitted.id}/submitted")
    )
    receipt = pdf_text(client.get(f"/applications/{submitted.id}/receipt.pdf"))
    assert "Submission2ofthisapplication" in receipt and "Greentwintowns,corrected" in receipt


def test_staff_see_the_last_submitted_version_while_the_lead_corrects_it(
    client, login_as, submitted, post, db
):
    reopen(post, submitted)
    submitted.title, submitted.summary = "Draft title being typed", "A half-written summary."
    submitted.budget_lines[0].description = "Changed line"
    submitted.lead.name = "Nilüfer Belediyesi (renamed)"
    db.session.commit()
    login_as("staff")
    page = words(client.get(f"/applications/{submitted.id}"))
    assert (
        "Green twin towns" in page
        and "Zero waste in both towns." in page
        and "Nilüfer Belediyesi" in page
    )
    assert (
        "Draft title being typed" not in page
        and "half-written" not in page
        and "Changed line" not in page
    )
    assert "(renamed)" not in page  # the lead as it was named when it submitted
    assert "Reopened: not submitted." in page and "counts only if submitted again before" in page
    listing = text(client.get(f"/staff/calls/{submitted.call_id}/applications"))
    assert (
        "Green twin towns" in listing
        and "Draft title" not in listing
        and "Reopened: not submitted" in listing
    )
    receipt = pdf_text(client.get(f"/applications/{submitted.id}/receipt.pdf"))
    assert (
        "Greentwintowns" in receipt and "Drafttitle" not in receipt and "(renamed)" not in receipt
    )
    assert "Reopenedon" in receipt


def test_a_receipt_shows_the_organisations_as_they_were_at_submission(client, submitted, db):
    submitted.lead.name = "Renamed Municipality"
    submitted.partners[0].organisation.name = "Renamed Partner"
    db.session.commit()
    receipt = pdf_text(client.get(f"/applications/{submitted.id}/receipt.pdf"))
    assert "NilüferBelediyesi" in receipt and "Renamed" not in receipt


def test_not_resubmitted_by_the_deadline_it_counts_as_not_submitted(
    client, login_as, lead, submitted, post, db, fixed_now
):
    reopen(post, submitted)
    fixed_now(submitted.call.deadline + timedelta(seconds=1))
    late = "Not submitted: reopened and not resubmitted before the deadline"
    assert late in words(client.get("/applications")) and late in words(
        client.get(f"/applications/{submitted.id}")
    )
    assert "deadline" in text(submit(post, submitted))  # refused, as any late submission
    login_as("staff")
    assert "Green twin towns" not in text(
        client.get(f"/staff/calls/{submitted.call_id}/admissibility")
    )
    assert late in words(client.get(f"/staff/calls/{submitted.call_id}/applications"))
    # no check, ranking or decision letter counts it: every one of them reads submitted stages only
    assert submitted_stages(submitted.call) == [] and letter_stages(submitted.call) == []
    assert not has_submissions(submitted.call, Stage.concept_note)


@pytest.mark.parametrize(
    "arrange, message",
    [
        (lambda app, fix: fix(app.call.deadline), "The deadline has passed"),
        (lambda app, fix: setattr(app.stages[0], "status", StageStatus.withdrawn), "was withdrawn"),
        (
            lambda app, fix: setattr(app.stages[0], "status", StageStatus.admissible),
            "started checking",
        ),
    ],
    ids=["deadline", "withdrawn", "checked"],
)
def test_reopening_is_refused_with_a_clear_message(
    client, submitted, post, db, fixed_now, arrange, message
):
    arrange(submitted, fixed_now)
    db.session.commit()
    status = stage_of(submitted).status
    assert message in text(client.get(f"/applications/{submitted.id}/reopen"))
    page = text(
        reopen(post, submitted, page=f"/applications/{submitted.id}", follow_redirects=True)
    )
    assert message in page
    db.session.expire_all()
    assert stage_of(submitted).status is status and stage_of(submitted).reopened_at is None


def test_only_the_lead_reopens(client, login_as, submitted, post, db):
    login_as(user=partner_member(submitted))
    assert client.get(f"/applications/{submitted.id}/reopen").status_code == 403
    db.session.expire_all()
    assert stage_of(submitted).status is StageStatus.submitted


def test_a_staff_decision_taken_meanwhile_wins_over_the_reopening(submitted, db):
    """The check in Python saw 'submitted'; the conditional UPDATE sees the decision made since and
    refuses."""
    db.session.execute(
        update(ApplicationStage)
        .where(ApplicationStage.id == stage_of(submitted).id)
        .values(status=StageStatus.admissible)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(reopen_service.ReopenRefused) as refused:
        reopen_service.reopen(submitted)
    assert refused.value.refusal is Refusal.checked
    assert (
        db.session.scalar(
            select(ApplicationStage.status).where(ApplicationStage.id == stage_of(submitted).id)
        )
        is StageStatus.admissible
    )


def test_a_reopening_racing_the_deadline_is_refused_by_the_update(submitted, db):
    """The first clock reading is a second before the deadline, the UPDATE's at the deadline:
    nothing reopens."""
    deadline = submitted.call.deadline
    readings = iter([deadline - timedelta(seconds=1), deadline, deadline])
    with pytest.raises(reopen_service.ReopenRefused) as refused:
        reopen_service.reopen(submitted, now=lambda: next(readings))
    assert refused.value.refusal is Refusal.deadline
    db.session.expire_all()
    assert stage_of(submitted).status is StageStatus.submitted


@pytest.mark.parametrize("page", ["project", "budget"])
def test_an_old_edit_link_says_the_application_is_submitted_and_offers_reopening(
    client, submitted, page, fixed_now
):
    response = client.get(f"/applications/{submitted.id}/{page}")
    assert response.status_code == 403
    assert "This application is submitted and can no longer be changed" in text(response)
    assert f"/applications/{submitted.id}/reopen" in response.get_data(as_text=True)
    fixed_now(submitted.call.deadline)
    late = client.get(f"/applications/{submitted.id}/{page}")
    assert "can no longer be changed" in text(late) and "/reopen" not in late.get_data(as_text=True)


def test_a_concept_note_reopens_against_the_concept_note_deadline(
    client, lead, post, db, fixed_now
):
    call = make_call(procedure="restricted")
    application = ready_application(lead, call)
    application.stages[0].stage = Stage.concept_note
    db.session.commit()
    assert submit(post, application).status_code == 302
    db.session.expire_all()
    fixed_now(call.concept_note_deadline)  # the full deadline is still ahead
    assert "The deadline has passed" in text(client.get(f"/applications/{application.id}/reopen"))
    fixed_now(call.concept_note_deadline - timedelta(minutes=1))
    assert reopen(post, application).status_code == 302
    db.session.expire_all()
    assert (
        stage_of(application).status is StageStatus.draft
        and stage_of(application).stage.value == "concept_note"
    )


def test_a_decision_letter_names_the_lead_as_it_was_submitted(
    app, client, login_as, post, db, demo, tmp_path, monkeypatch
):
    monkeypatch.setitem(
        app.config, "UPLOAD_DIR", str(tmp_path)
    )  # the letters e-mailed are stored there
    application = db.session.scalar(
        select(Application).where(Application.reference == "TTGS-DEMO-0029")
    )
    stage = application.stages[0]
    submitted_name = application.lead.name
    keep_submitted_version(
        application, stage
    )  # the demo's applications are imported, not submitted here
    application.lead.name = "Renamed after submission"
    make_authority()
    db.session.commit()
    login_as("staff")
    approve_committee(demo)
    assert post(f"/staff/calls/{demo.id}/finalise").status_code == 302
    login_as("applicant", organisation=application.lead)
    letter = pdf_text(client.get(f"/decisions/{application.id}/letter.pdf"))
    assert re.sub(r"\s+", "", submitted_name) in letter and "Renamedaftersubmission" not in letter


def test_the_workbook_shows_the_submitted_version_of_a_reopened_application(
    submitted, post, db, tmp_path
):
    from flask_babel import force_locale
    from openpyxl import load_workbook

    from grants.exports import workbook

    reopen(post, submitted)
    submitted.title = "Draft title being typed"
    submitted.budget_lines[0].description = "Changed line"
    submitted.budget_lines[0].quantity += 1
    db.session.commit()
    with force_locale("en"):
        workbook.build(submitted.call_id, "en", lambda _done: None, tmp_path / "book.xlsx")
    book = load_workbook(tmp_path / "book.xlsx")
    cells = {
        str(v)
        for sheet in ("Applications", "Partners", "Budget lines")
        for row in book[sheet].iter_rows(values_only=True)
        for v in row
    }
    assert "Green twin towns" in cells and "Project staff" in cells
    assert "Draft title being typed" not in cells and "Changed line" not in cells
    header, row = list(book["Applications"].iter_rows(values_only=True))[:2]
    values = dict(zip(header, row, strict=True))
    assert values["Direct costs"] == 100000 and values["Title"] == "Green twin towns"
    assert values[next(h for h in header if h.startswith("Submitted"))] is not None


def test_a_reopening_taken_meanwhile_wins_over_the_staff_s_check(app, submitted, post, db):
    """The check read 'submitted'; the lead reopened it before the decision was written: nothing is
    recorded."""
    from grants.admissibility.services import decisions as admissibility

    stage = stage_of(submitted)
    make_authority()
    assert (
        admissibility.locked_reason(stage) is None
    )  # the staff's page was opened while it was submitted
    db.session.execute(
        update(ApplicationStage)
        .where(ApplicationStage.id == stage.id)
        .values(status=StageStatus.draft, reopened_at=stage.submitted_at, submitted_at=None)
        .execution_options(synchronize_session=False)
    )
    with app.test_request_context(), pytest.raises(admissibility.DecisionRefused) as refused:
        admissibility.decide(stage, "inadmissible", set(), "Late.")
    assert "reopened it to correct it" in refused.value.message
    assert (
        db.session.scalar(select(ApplicationStage.status).where(ApplicationStage.id == stage.id))
        is StageStatus.draft
    )
