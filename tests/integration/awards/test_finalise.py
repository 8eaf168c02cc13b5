"""Finalising a call: confirmation, the lock, decision letters (PDF) e-mailed to every lead
applicant in their language, and what applicants see and download afterwards."""

from __future__ import annotations

import io

import pypdf
import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from grants.mail import attachment_bytes
from grants.models import (
    Application,
    AuditEvent,
    Call,
    CallStatus,
    DecisionOverride,
    MailStatus,
    OutboxMessage,
    StageStatus,
)
from tests.factories import make_authority, make_call, make_org, make_user
from tests.factories.awards import WHY, add_application, override_url, stage, text
from tests.factories.committee import approve_committee


@pytest.fixture(autouse=True)
def authority(db):
    """Letter settings given: letters can be issued."""
    return make_authority()


@pytest.fixture(autouse=True)
def uploads(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(tmp_path))


def lead_of(db, reference: str):
    return db.session.scalar(select(Application).where(Application.reference == reference)).lead


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def finalise(post, call: Call, **kw):
    approve_committee(call)  # the evaluation committee approved the ranking (domain.md 4)
    return post(f"/staff/calls/{call.id}/finalise", **kw)


def mails(db) -> dict[str, OutboxMessage]:
    return {m.to: m for m in db.session.scalars(select(OutboxMessage))}


def test_confirmation_page_counts_outcomes_and_budget_and_previews_a_letter(
    client, db, login_as, demo
):
    login_as("staff")
    approve_committee(demo)
    html = text(client.get(f"/staff/calls/{demo.id}/finalise"))
    for shown in (
        "Awarded",
        "27",
        "Reserve list",
        "7",
        "Below threshold",
        "9",
        "Inadmissible",
        "3",
        "€2,600,000.00",
        "€2,572,766.00",
        "€27,234.00",
        "Finalise and send the decision letters",
    ):
        assert shown in html
    preview = client.get(
        f"/staff/calls/{demo.id}/letters/{lead_application(db, 'TTGS-DEMO-0029')}.pdf"
    )
    assert preview.mimetype == "application/pdf" and "97.00" in pdf_text(preview.data)
    assert "Preview: this letter is not issued yet." in " ".join(pdf_text(preview.data).split())
    assert "Number:" not in pdf_text(preview.data)
    assert demo.finalised_at is None


def lead_application(db, reference: str) -> int:
    return db.session.scalar(select(Application.id).where(Application.reference == reference))


def test_finalise_locks_the_decisions_and_emails_every_letter(client, db, login_as, post, demo):
    awarded, below, inadmissible, reserve, withdrawn = (
        lead_of(db, f"TTGS-DEMO-{n}") for n in ("0029", "0002", "0005", "0037", "0038")
    )
    make_user(organisation=awarded, email="en@aydin.example")
    make_user(organisation=awarded, email="tr@aydin.example", locale="tr")
    make_user(
        organisation=awarded, email="pending@aydin.example", verified_member=False
    )  # not acting: no letter
    for org, email in (
        (below, "below@x.example"),
        (inadmissible, "inadmissible@x.example"),
        (reserve, "reserve@x.example"),
        (withdrawn, "withdrawn@x.example"),
    ):
        make_user(organisation=org, email=email)
    staff = login_as("staff")
    page = finalise(post, demo, follow_redirects=True)
    assert (
        "The decisions of call TTGS-DEMO are final. 4 applicants were told by e-mail. 42 letters "
        "are to be "
        "sent by post or registered e-mail"
    ) in text(page)

    db.session.expire_all()
    assert (
        demo.status is CallStatus.decided and demo.finalised_at and demo.finalised_by_id == staff.id
    )
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "call.finalised", AuditEvent.user_id == staff.id)
        )
        == 1
    )
    sent = mails(db)
    assert set(sent) == {
        "en@aydin.example",
        "tr@aydin.example",
        "below@x.example",
        "inadmissible@x.example",
        "reserve@x.example",
    }  # not the withdrawn application's, nor the unverified member
    assert all(
        m.status is MailStatus.logged and m.attachment_name.endswith("-decision.pdf")
        for m in sent.values()
    )
    assert sent["en@aydin.example"].subject == "Decision on your application TTGS-DEMO-0029"
    assert "Outcome: Awarded" in sent["en@aydin.example"].body

    letter = pdf_text(attachment_bytes(sent["en@aydin.example"]))
    assert "Outcome: Awarded" in letter and "€75,000.00" in letter
    assert "97.00" in letter and "22.50" in letter  # total and the Relevance section
    assert "75.000,00" in pdf_text(
        attachment_bytes(sent["tr@aydin.example"])
    )  # the Turkish member's letter
    turkish = pypdf.PdfReader(io.BytesIO(attachment_bytes(sent["tr@aydin.example"])))
    assert (
        turkish.trailer["/Root"]["/Lang"] == "tr" and "/StructTreeRoot" in turkish.trailer["/Root"]
    )
    assert "11.00, below the threshold of 12.00" in pdf_text(
        attachment_bytes(sent["below@x.example"])
    )
    assert "Partnership statement missing" in pdf_text(
        attachment_bytes(sent["inadmissible@x.example"])
    )
    assert "number 1 on the reserve list" in pdf_text(attachment_bytes(sent["reserve@x.example"]))


def test_after_finalisation_no_decision_changes(client, db, login_as, post, demo):
    login_as("staff")
    ranking = f"/staff/calls/{demo.id}/ranking"
    override = override_url(demo, "TTGS-DEMO-0023", db)
    finalise(post, demo)
    final = "are final"
    again = post(f"{ranking}/compute", page=ranking, follow_redirects=True)
    assert "TTGS-DEMO are final: it cannot be ranked again." in text(again)
    html = text(client.get(ranking))
    assert "/override" not in html and "/promote" not in html and "Compute ranking" not in html
    refused = post(override, {"outcome": "not_selected", "justification": WHY}, page=ranking)
    assert refused.status_code == 400 and final in text(refused)
    assert final in text(post(f"{ranking}/promote", {"justification": WHY}, page=ranking))
    assert final in text(post(f"/staff/calls/{demo.id}/finalise", page=ranking))
    assert stage(db, "TTGS-DEMO-0023").status is StageStatus.awarded
    assert db.session.scalar(select(func.count()).select_from(DecisionOverride)) == 0


def test_a_published_call_cannot_be_finalised(client, db, login_as, post, demo):
    demo.status = CallStatus.published
    db.session.commit()
    login_as("staff")
    page = finalise(post, demo)
    assert page.status_code == 400
    assert (
        "Call TTGS-DEMO is &#39;published&#39;: only a call in evaluation can be finalised."
        in text(page)
    )
    db.session.expire_all()
    assert demo.finalised_at is None and demo.status is CallStatus.published


def test_applications_without_a_decision_block_finalisation(client, db, login_as, post):
    call = make_call("UNDECIDED-1", status="evaluation")
    add_application(call, [4, 4])
    pending = add_application(call, [4, 4], submitted=[True, False])
    db.session.commit()
    login_as("staff")
    html = text(client.get(f"/staff/calls/{call.id}/finalise"))
    assert (
        f"These applications have no decision yet: {call.reference}-0001, {pending.reference}."
        in html
    )
    assert "Finalise and send the decision letters" not in html
    page = finalise(post, call)
    assert page.status_code == 400 and pending.reference in text(page)
    db.session.expire_all()
    assert call.finalised_at is None


def test_applicants_see_their_decision_and_download_the_letter(client, db, login_as, post, demo):
    lead = lead_of(db, "TTGS-DEMO-0029")
    partner_org = (
        db.session.scalar(select(Application).where(Application.reference == "TTGS-DEMO-0029"))
        .partners[0]
        .organisation
    )
    application_id = lead_application(db, "TTGS-DEMO-0029")
    letter_url = f"/decisions/{application_id}/letter.pdf"
    login_as("applicant", organisation=lead)
    assert client.get(letter_url).status_code == 404  # not final yet
    assert "There is no final decision" in text(client.get("/decisions"))

    login_as("staff")
    finalise(post, demo)
    login_as("applicant", organisation=lead)
    html = text(client.get("/decisions"))
    assert 'href="/decisions"' in html  # the nav link
    row = html[html.index("TTGS-DEMO-0029") :]
    assert (
        "Awarded" in row
        and "97.00" in row
        and "€75,000.00" in row
        and "Download the decision letter" in row
    )
    download = client.get(letter_url)
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    assert "Outcome: Awarded" in pdf_text(download.data)

    login_as(
        "applicant", organisation=partner_org
    )  # a partner sees the decision, not the lead's letter
    assert "TTGS-DEMO-0029" in text(client.get("/decisions"))
    assert client.get(letter_url).status_code == 404
    login_as("applicant", organisation=make_org(name="Another municipality"))
    assert client.get(letter_url).status_code == 404
    assert "TTGS-DEMO-0029" not in text(client.get("/decisions"))
    login_as("evaluator")
    assert client.get("/decisions").status_code == 403
    assert client.get(letter_url).status_code == 403


def test_a_withdrawn_application_gets_no_letter(client, db, login_as, post, demo):
    login_as("staff")
    finalise(post, demo)
    login_as("applicant", organisation=lead_of(db, "TTGS-DEMO-0038"))
    assert (
        client.get(f"/decisions/{lead_application(db, 'TTGS-DEMO-0038')}/letter.pdf").status_code
        == 404
    )
    row = text(client.get("/decisions")).split("TTGS-DEMO-0038")[1]
    assert "Withdrawn" in row and "Download the decision letter" not in row


def test_the_letter_arrives_as_a_pdf_attachment(client, db, login_as, post, demo, smtp):
    make_user(
        organisation=lead_of(db, "TTGS-DEMO-0037"), email="reserve@x.example", name="Ayşe Yılmaz"
    )
    login_as("staff")
    finalise(post, demo)
    (mail,) = smtp.messages
    assert (
        mail["To"] == "reserve@x.example"
        and mail["Subject"] == "Decision on your application TTGS-DEMO-0037"
    )
    assert "Hello Ayşe Yılmaz," in mail.get_body(("plain",)).get_content()
    (attached,) = mail.iter_attachments()
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == "TTGS-DEMO-0037-decision.pdf"
    assert "Outcome: Reserve list" in pdf_text(attached.get_content())
    assert db.session.scalar(select(OutboxMessage.status)) is MailStatus.sent
