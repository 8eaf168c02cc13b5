"""`flask demo` loads an account per role, an open call and the example call, and can run again."""

from __future__ import annotations

import json
import re
from datetime import time, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from grants import clock
from grants.awards.services.finalise import finalise
from grants.committee.queries import committee, current_fingerprint
from grants.demo import lead_email
from grants.demo_data import TURKISH
from grants.models import (
    AdmissibilityRequest,
    Application,
    ApplicationStage,
    Assignment,
    Call,
    CallDocument,
    CallEvaluator,
    CallQuestion,
    CallStatus,
    CheckOverride,
    Grant,
    GrantAmendment,
    Organisation,
    OutboxMessage,
    RequestStatus,
    User,
)
from grants.models.base import now_utc
from grants.payments.services import authorise
from grants.reporting.queries import recovery_order
from grants.rules.grant_status import (
    AmendmentStatus,
    PaymentKind,
    PaymentStatus,
    ReportKind,
    ReportStatus,
)
from grants.rules.grant_terms import Scheme
from tests.conftest import sign_in


def test_demo_twice_leaves_one_copy_of_everything(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output

    for email in (
        "admin@example.org",
        "staff@example.org",
        "finance@example.org",
        "evaluator@example.org",
        "applicant@example.org",
        "partner@example.org",
    ):
        assert email in second.output
        assert (
            db.session.scalar(select(func.count()).select_from(User).where(User.email == email))
            == 1
        )
    assert "http://127.0.0.1:5000" in second.output and "demo-password-2026" in second.output
    assert "belediye.example has a document to send for TTGS-EVAL" in second.output
    assert "TTGS-2025 is decided" in second.output

    assert db.session.scalars(select(Call.reference).order_by(Call.reference)).all() == [
        "TTGS-2025",
        "TTGS-2026",
        "TTGS-DEMO",
        "TTGS-EVAL",
    ]
    example = db.session.scalar(select(Call).where(Call.reference == "TTGS-DEMO"))
    applications = (
        select(func.count()).select_from(Application).where(Application.call_id == example.id)
    )
    assert db.session.scalar(applications) == 48
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 96 + 2
    assert db.session.scalar(select(func.count()).select_from(CallEvaluator)) == 12 + 1 + 12 + 1
    _accounts_and_open_call_are_usable(db)
    _evaluator_has_unscored_assignments(db)
    _example_calls_tell_real_twinning_projects(db)
    _committee_has_signed_approved_and_met(db)
    _lead_sees_a_document_request_and_staff_an_override(app, db)
    _applications_have_a_logical_framework(db)
    _open_call_has_a_document_and_a_clarification(db)
    _grants_at_every_stage(app, db)
    _finalising_the_example_sends_every_lead_its_letter(app, db)


EXPECTED = json.loads((Path(__file__).parents[1] / "data" / "ttgs-demo.expected.json").read_text())
PLACEHOLDER = re.compile(r"(Belediyesi \d+|Commune \d+|Twinning project \d+)$")


def _accounts_and_open_call_are_usable(db) -> None:
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert users["admin@example.org"].check_password("demo-password-2026")
    applicant, partner = users["applicant@example.org"], users["partner@example.org"]
    assert applicant.acts_for_organisation and applicant.organisation.country == "TR"
    assert partner.acts_for_organisation and partner.organisation.country == "DE"
    assert partner.organisation.seeking_partner

    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-2026"))
    assert call.status is CallStatus.published and call.opens_at < now_utc() < call.deadline
    assert call.deadline.astimezone(ZoneInfo("Europe/Istanbul")).time() == time(17, 0)
    assert len(call.lots) == 2 and sum(lot.budget for lot in call.lots) == call.total_budget
    assert call.grids[0].max_total == 100


def _evaluator_has_unscored_assignments(db) -> None:
    evaluator = db.session.scalar(select(User).where(User.email == "evaluator@example.org"))
    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-EVAL"))
    assert call.status is CallStatus.evaluation
    stages = db.session.scalars(
        select(ApplicationStage)
        .join(ApplicationStage.application)
        .where(Application.call_id == call.id)
    ).all()
    assert len(stages) == 11 and sorted(s.status.value for s in stages) == [
        *["admissible"] * 10,
        "submitted",  # still at the administrative check: see _lead_sees_a_document_request
    ]
    mine = db.session.scalars(
        select(Assignment).where(Assignment.evaluator_id == evaluator.id)
    ).all()
    assert len(mine) == 10 and all(a.evaluation is None for a in mine)
    member = db.session.scalar(
        select(CallEvaluator).where(
            CallEvaluator.user_id == evaluator.id, CallEvaluator.call_id == call.id
        )
    )
    assert member.impartiality_signed_at is None


def _example_calls_tell_real_twinning_projects(db) -> None:
    """Issue 12.10: real municipalities in their own province or region, projects named after both
    towns, a narrative, a verified project officer per lead, assessors who can log in, the grid in
    Turkish too."""
    for call in db.session.scalars(
        select(Call).where(Call.reference.in_(["TTGS-DEMO", "TTGS-EVAL"]))
    ):
        for app in db.session.scalars(select(Application).where(Application.call_id == call.id)):
            lead, partner = app.lead, app.partners[0].organisation
            assert not PLACEHOLDER.search(lead.name) and not PLACEHOLDER.search(partner.name)
            assert not PLACEHOLDER.search(app.title) and lead.region and partner.region
            short = next(row[0] for row in TURKISH if row[1] == lead.name)
            assert (
                short in app.title
                and app.summary
                and app.objectives
                and app.activities
                and app.expected_results
            )
            officers = [u for u in lead.members if u.acts_for_organisation]
            assert [u.email for u in officers] == [lead_email(short)] and officers[
                0
            ].email.endswith(".example")
        assert call.grids[0].sections[1].title_tr == "İlgililik"
        assert all(
            c.description and c.description_tr for s in call.grids[0].sections for c in s.criteria
        )
    kadikoy = db.session.scalar(
        select(Organisation).where(Organisation.name == "Kadıköy Belediyesi")
    )
    assert kadikoy.region == "İstanbul" and kadikoy.members[0].check_password("demo-password-2026")
    assessor = db.session.scalar(select(User).where(User.email == "assessor1@example.org"))
    assert assessor.check_password("demo-password-2026")


def _finalising_the_example_sends_every_lead_its_letter(app, db) -> None:
    """The computed outcome is still the expected one; finalising e-mails all 46 leads (not the 2
    withdrawn)."""
    assert app.test_cli_runner().invoke(args=["calls", "rank", "TTGS-DEMO"]).exit_code == 0
    db.session.expire_all()
    stages = db.session.execute(
        select(Application.reference, ApplicationStage)
        .join(ApplicationStage.application)
        .join(Call)
        .where(Call.reference == "TTGS-DEMO")
    ).all()
    for reference, stage in stages:
        expected = EXPECTED[reference]
        assert (stage.status.value, stage.rank) == (expected["status"], expected["rank"]), reference
        assert stage.awarded_amount == (
            expected["awarded_amount"] and Decimal(expected["awarded_amount"])
        )
    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-DEMO"))
    staff = db.session.scalar(select(User).where(User.email == "staff@example.org"))
    assert committee(call).ready  # the demo's approvals stand for the ranking as it is
    before = db.session.scalar(select(func.max(OutboxMessage.id)))
    finalise(call.id, staff.id)
    db.session.commit()
    sent = {
        m.to: m for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.id > before))
    }
    assert len(sent) == 46 and all(to.endswith("@belediye.example") for to in sent)
    assert (
        "kadikoy@belediye.example" in sent and "ilkadim@belediye.example" not in sent
    )  # 0038 was withdrawn


def _committee_has_signed_approved_and_met(db) -> None:
    """Issue 16: a staff chair, a secretary, three voting members (the demo evaluator among them),
    all signed; the chair's and voting members' approvals of the ranking as it stands; minutes."""
    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-DEMO"))
    found = committee(call)
    seats = [(r.member.role.value, r.member.user.email) for r in found.rows]
    assert seats[:2] == [("chair", "staff@example.org"), ("secretary", "admin@example.org")]
    assert [role for role, _ in seats[2:]] == ["voting"] * 3
    assert ("voting", "evaluator@example.org") in seats
    assert all(r.member.impartiality_signed_at for r in found.rows)
    assert all(r.member.user.check_password("demo-password-2026") for r in found.rows)
    assert [r.state for r in found.rows] == ["valid", "not_needed", "valid", "valid", "valid"]
    assert {r.member.approval.fingerprint for r in found.rows if r.member.approval} == {
        current_fingerprint(call.id)
    }
    assert found.ready and len(found.minutes) == 1
    assert len(found.minutes[0].attendees) == 5 and found.minutes[0].decisions


def _lead_sees_a_document_request_and_staff_an_override(app, db) -> None:
    """Issue 16: an open request to the lead of the application still at the check, shown on the
    lead's application page; an automatic check of it overridden with a reason."""
    (request,) = db.session.scalars(select(AdmissibilityRequest)).all()
    assert request.status is RequestStatus.open and request.due_at > now_utc()
    application = request.stage.application
    assert application.call.reference == "TTGS-EVAL" and request.stage.status.value == "submitted"
    lead = next(u for u in application.lead.members if u.acts_for_organisation)
    assert lead.check_password("demo-password-2026")
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.to == lead.email))
    client = app.test_client()
    sign_in(client, lead)
    page = client.get(f"/applications/{application.id}")
    assert page.status_code == 200
    assert "mayor" in page.get_data(as_text=True)  # the request's message
    (override,) = db.session.scalars(select(CheckOverride)).all()
    assert override.stage_id == request.stage_id and override.met and override.reason
    assert override.user.email == "staff@example.org"


def _applications_have_a_logical_framework(db) -> None:
    for app in db.session.scalars(
        select(Application).join(Call).where(Call.reference.in_(["TTGS-DEMO", "TTGS-EVAL"]))
    ):
        assert app.overall_objective and app.specific_objective and len(app.results) == 2
        assert all(
            i.unit and i.target is not None and i.baseline is not None and i.source
            for r in app.results
            for i in r.indicators
        )
        assert all(r.indicators for r in app.results)


def _open_call_has_a_document_and_a_clarification(db) -> None:
    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-2026"))
    documents = db.session.scalars(select(CallDocument).where(CallDocument.call_id == call.id))
    assert [(d.kind.value, d.language) for d in documents] == [("guidelines", "en")]
    (question,) = db.session.scalars(
        select(CallQuestion).where(CallQuestion.call_id == call.id)
    ).all()
    assert question.published_at is not None and question.public_text and question.answer


def _grants_at_every_stage(app, db) -> None:
    """Issue 17.10: the decided call TTGS-2025 has a grant at each stage, each giving a role
    something to do; their pages render for staff and for the lead."""
    call = db.session.scalar(select(Call).where(Call.reference == "TTGS-2025"))
    assert call.status is CallStatus.decided
    grants = db.session.scalars(
        select(Grant).where(Grant.call_id == call.id).order_by(Grant.number)
    ).all()
    assert [g.status.value for g in grants] == [
        "sent",
        "in_force",
        "in_force",
        "in_force",
        "closed",
    ]
    sent, waiting, periodic, recovery, closed = grants
    users = {u.email: u for u in db.session.scalars(select(User))}
    staff, finance = users["staff@example.org"], users["finance@example.org"]
    applicant = users["applicant@example.org"]
    today = clock.now().date()

    # 1. the demo applicant's municipality has a contract to sign, its bank account filled
    assert sent.application.lead == applicant.organisation and sent.iban.startswith("TR")
    client = app.test_client()
    sign_in(client, applicant)
    page = client.get(f"/grants/{sent.id}")
    assert page.status_code == 200 and sent.number in page.get_data(as_text=True)

    # 2. pre-financing recorded by finance, for staff@example.org to authorise (four eyes);
    #    a later end date requested by the lead, for staff to decide
    (payment,) = waiting.payments
    assert payment.kind is PaymentKind.prefinancing and payment.status is PaymentStatus.recorded
    assert payment.recorded_by_id == finance.id
    (amendment,) = db.session.scalars(
        select(GrantAmendment).where(GrantAmendment.grant_id == waiting.id)
    ).all()
    assert amendment.status is AmendmentStatus.requested

    # 3. periodic, its first interim report opened and due within two weeks
    assert periodic.scheme is Scheme.periodic
    (report,) = periodic.reports
    assert (report.kind, report.period, report.status) == (
        ReportKind.interim,
        1,
        ReportStatus.draft,
    )
    assert today < report.due_on <= today + timedelta(days=14)
    lead = next(u for u in periodic.application.lead.members if u.acts_for_organisation)
    lead_client = app.test_client()
    sign_in(lead_client, lead)
    assert lead_client.get(f"/grants/{periodic.id}/reports/{report.id}").status_code == 200

    # 4. final report approved with costs set aside: below the pre-financing paid, a recovery
    (final,) = recovery.reports
    assert final.status is ReportStatus.approved and any(
        line.set_aside_reason for line in final.lines
    )
    assert recovery.final_amount < recovery.prefinancing_paid == recovery.paid_total
    assert recovery_order(recovery) is not None

    # 5. closed: the balance paid and authorised
    assert closed.final_amount == closed.paid_total and closed.closed_at is not None
    assert all(p.status is PaymentStatus.authorised for p in closed.payments)

    staff_client = app.test_client()
    sign_in(staff_client, staff)
    for grant in grants:
        assert staff_client.get(f"/grants/{grant.id}").status_code == 200, grant.number
    for url in (
        f"/grants/{waiting.id}/payments",
        f"/grants/{waiting.id}/amendments",
        f"/staff/grants/{recovery.id}/final",
        "/staff/grants",
    ):
        assert staff_client.get(url).status_code == 200, url
    order = staff_client.get(f"/grants/{recovery.id}/recovery-order.pdf")
    assert order.status_code == 200 and order.data.startswith(b"%PDF")

    authorise(payment, staff.id, clock.now())  # the four-eyes rule lets staff authorise it
    db.session.commit()
    db.session.refresh(waiting)
    assert waiting.prefinancing_paid == payment.amount
