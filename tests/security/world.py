"""One shared fixture world for the security suite: every kind of object a route can name, each
role's user.

- call "main" (open, decided and final): application "sub" led by the applicant's organisation with
  the partner's organisation as confirmed partner, submitted, admissible, scored by the assigned
  evaluator (declared free of conflict, evaluation submitted), ranked and awarded, with an override,
  and its decision letter issued; beside it an inadmissible and a withdrawn application of other
  organisations; the evaluator pool holds both evaluators (declarations signed); a finished and a
  failed export job; an e-mail in the outbox; the letter settings, with a logo;
- call "open" (published, accepting submissions): application "draft" of the same lead, the same
  partner proposed and not yet confirmed, one uploaded annex;
- call "restricted": one concept note, ranked and shortlisted;
- the roles' users: the applicant acts for the lead organisation, where the pending member asked to
  join and waits for verification; the partner acts for the partner organisation, the outsider for a
  third one; an unverified organisation waits for staff.

Every free text a user can type goes through `text(key, default)`, so the XSS tests fill every field
with a payload naming its field, and the access tests keep plain defaults.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from grants import files
from grants.auth.tokens import password_token
from grants.awards import rank_call
from grants.awards.queries.letters import build_letters
from grants.contracts.services import prepare
from grants.evaluation.services.settle import settle_scores
from grants.extensions import db
from grants.letters import services as letter_services
from grants.models import (
    AdmissibilityRequest,
    Application,
    Assignment,
    Attachment,
    AttachmentKind,
    Authority,
    CallDocument,
    CallDocumentVersion,
    CallEvaluator,
    CallQuestion,
    CallStatus,
    CheckOverride,
    CommitteeApproval,
    CommitteeMember,
    CommitteeMinutes,
    CommitteeRole,
    ConflictStatus,
    Corrigendum,
    DecisionOverride,
    DocumentKind,
    Evaluation,
    Grant,
    GrantAmendment,
    GrantPayment,
    JobStatus,
    LetterKind,
    MailStatus,
    Organisation,
    OutboxMessage,
    Partner,
    PartnerInvitation,
    ReportJob,
    Score,
    SectionComment,
    Stage,
    StageStatus,
    User,
)
from grants.models.base import now_utc
from grants.partners.services import invitations
from grants.reporting.services import open_report
from grants.rules.grant_status import AmendmentKind, GrantStatus, PaymentKind, ReportKind
from grants.rules.grant_terms import end_date
from tests.factories import make_application, make_call, make_org, make_user, png_bytes
from tests.factories.awards import add_application
from tests.factories.grants import make_grant
from tests.factories.restricted import restricted_call
from tests.factories.submission import PDF, ready_application

ROLES = (
    "anonymous",
    "outsider",
    "pending_member",
    "applicant",
    "partner",
    "assigned_evaluator",
    "other_evaluator",
    "staff",
    "admin",
)
Text = Callable[[str, str], str]


def plain(_key: str, default: str) -> str:
    return default


@dataclass
class World:
    users: dict[str, User | None] = field(default_factory=dict)  # role -> user (None: anonymous)
    ids: dict[str, object] = field(
        default_factory=dict
    )  # object name -> id (or token, reference...)


def _organisations(text: Text) -> dict:
    def profile(key: str, typed: Text = text) -> dict:
        return dict(
            name=text(f"{key}.name", f"{key.title()} Municipality"),
            region=typed(f"{key}.region", "Ankara"),
            legal_id=typed(f"{key}.legal_id", f"LID-{key}"),
            address=typed(f"{key}.address", "1 Main Street"),
            seeking_partner=True,
            partner_themes=[typed(f"{key}.partner_theme", "environment")],
            partner_description=typed(f"{key}.partner_description", "Looking for a twin town."),
        )

    return {
        "lead": make_org("TR", **profile("lead")),
        "other": make_org("TR", **profile("other")),
        "partner": make_org("DE", "local_authority", **profile("partner")),
        "unverified": make_org("TR", verified=False, **profile("unverified", plain)),
    }  # only its name is shown


def _users(orgs: dict, text: Text) -> dict:
    return {
        "anonymous": None,
        "outsider": make_user(
            organisation=orgs["other"], name=text("outsider.name", "Olcay Outsider")
        ),
        "pending_member": make_user(
            organisation=orgs["lead"],
            verified_member=False,  # joined, not yet verified
            name=text("pending.name", "Pınar Pending"),
        ),
        "applicant": make_user(
            organisation=orgs["lead"], name=text("applicant.name", "Ayşe Applicant")
        ),
        "partner": make_user(
            organisation=orgs["partner"], name=text("partner.user_name", "Paul Partner")
        ),
        "assigned_evaluator": make_user("evaluator", name=text("evaluator.name", "Eda Evaluator")),
        "other_evaluator": make_user("evaluator", name="Oğuz Evaluator"),
        "staff": make_user("staff", name=text("staff.name", "Selin Staff")),
        "admin": make_user("admin", name="Ali Admin"),
    }


def _fill(application: Application, text: Text, key: str) -> None:
    for name in (
        "title",
        "acronym",
        "theme",
        "summary",
        "objectives",
        "activities",
        "expected_results",
    ):
        setattr(application, name, text(f"{key}.{name}", getattr(application, name)))
    for partner in application.partners:
        partner.role = text(f"{key}.partner_role", partner.role)
    for line in application.budget_lines:
        line.description = text(f"{key}.line_description", line.description)
        line.unit = text(f"{key}.line_unit", line.unit)


def _store_files(application: Application, upload_dir: Path, text: Text, key: str) -> None:
    for attachment in application.attachments:
        attachment.stored_name = files.save(PDF)
        attachment.original_name = text(f"{key}.attachment_name", attachment.original_name)


def _main_call(world: World, orgs: dict, text: Text, upload_dir: Path) -> None:
    users = world.users
    call = make_call(
        status="evaluation",
        evaluators_per_application=1,
        opens_in=timedelta(days=-40),
        deadline_in=timedelta(days=-5),
        title=text("call.title", "Town twinning 2026"),
        description=text("call.description", "Twin towns working together."),
        lots=[(text("lot.name", "Whole call"), Decimal("2600000.00"))],
    )
    grid = call.grid_for(Stage.full_application)
    grid.sections[0].title = text("grid.section_title", grid.sections[0].title)
    grid.sections[0].criteria[0].title = text(
        "grid.criterion_title", grid.sections[0].criteria[0].title
    )
    sub = ready_application(orgs["lead"], call, partners=[orgs["partner"]], status="admissible")
    _fill(sub, text, "sub")
    _store_files(sub, upload_dir, text, "sub")
    stage = sub.stages[0]
    for role in ("assigned_evaluator", "other_evaluator"):
        db.session.add(
            CallEvaluator(call_id=call.id, user_id=users[role].id, impartiality_signed_at=now_utc())
        )
    assignment = Assignment(
        stage=stage,
        evaluator=users["assigned_evaluator"],
        conflict=ConflictStatus.no_conflict,
        conflict_declared_at=now_utc(),
        assigned_by_id=users["staff"].id,
    )
    assignment.evaluation = Evaluation(
        submitted_at=now_utc(),
        scores=[
            Score(criterion_id=c.id, score=4, comment=text("score.comment", "Convincing."))
            for s in grid.sections
            for c in s.criteria
        ],
        section_comments=[
            SectionComment(
                section_id=s.id,
                strengths=text("section.strengths", "Strong partners."),
                weaknesses=text("section.weaknesses", "Thin budget."),
            )
            for s in grid.sections
        ],
    )
    db.session.add(assignment)
    inadmissible = make_application(call, lead=make_org("TR"), status="inadmissible")
    inadmissible.stages[0].inadmissible_reasons = [
        text("inadmissible.reason", "The declaration is not signed.")
    ]
    withdrawn = make_application(call, lead=make_org("TR"), status="withdrawn")
    withdrawn.stages[0].withdrawn_reason = text(
        "withdrawn.reason", "The council withdrew its support."
    )
    db.session.flush()
    settle_scores(
        call
    )  # its evaluation was written as rows: its final score stored as evaluation stores it
    rank_call(call.id)
    db.session.add(
        DecisionOverride(
            stage_id=stage.id,
            from_status=StageStatus.awarded,
            to_status=StageStatus.awarded,
            from_amount=stage.awarded_amount,
            to_amount=stage.awarded_amount,
            user_id=users["staff"].id,
            justification=text("override.justification", "Confirmed by the committee."),
        )
    )
    call.status, call.finalised_at, call.finalised_by_id = (
        CallStatus.decided,
        now_utc(),
        users["staff"].id,
    )
    letter = _letters(call, stage, users["staff"].id, text, upload_dir)
    document_request = AdmissibilityRequest(
        stage_id=stage.id,
        document="other",
        other=text("request.other", "Registration certificate"),
        message=text("request.message", "Send the registration certificate of the lead."),
        due_at=now_utc() + timedelta(days=7),
        requested_by_id=users["staff"].id,
        requested_at=now_utc(),
    )
    db.session.add(document_request)
    db.session.add(
        CheckOverride(
            stage_id=stage.id,
            check_key="documents",
            met=True,
            reason=text("check_override.reason", "The statement was received by post."),
            user_id=users["staff"].id,
        )
    )
    db.session.flush()
    committee = _committee(call, users, text)
    pool = {m.user_id: m.id for m in db.session.query(CallEvaluator).filter_by(call_id=call.id)}
    world.ids |= {
        "call": call.id,
        "reference": call.reference,
        "application": sub.id,
        "stage": stage.id,
        "lot": call.lots[0].id,
        "assignment": assignment.id,
        "member": pool[users["other_evaluator"].id],
        "attachment": sub.attachments[0].id,
        "inadmissible": inadmissible.id,
        "letter": letter,
        "document_request": document_request.id,
        "committee_member": committee,
    }


def _committee(call, users: dict, text: Text) -> int:
    """The call's evaluation committee: staff in the chair, the assigned evaluator a voting member
    (both signed, the evaluator approved), minutes of one meeting; the voting member's id."""
    chair = CommitteeMember(
        call_id=call.id,
        user_id=users["staff"].id,
        role=CommitteeRole.chair,
        impartiality_signed_at=now_utc(),
    )
    voter = CommitteeMember(
        call_id=call.id,
        user_id=users["assigned_evaluator"].id,
        role=CommitteeRole.voting,
        impartiality_signed_at=now_utc(),
    )
    db.session.add_all([chair, voter])
    db.session.flush()
    db.session.add(CommitteeApproval(call_id=call.id, member_id=voter.id, fingerprint="a" * 64))
    db.session.add(
        CommitteeMinutes(
            call_id=call.id,
            meeting_date=now_utc().date(),
            decisions=text("minutes.decisions", "The committee agreed the ranking."),
            recorded_by_id=users["staff"].id,
            attendees=[chair, voter],
        )
    )
    db.session.flush()
    return voter.id


def _open_committee(world: World) -> None:
    """On the open call's committee the assigned evaluator has not signed the declaration yet."""
    db.session.add(
        CommitteeMember(
            call_id=world.ids["open_call"],
            user_id=world.users["assigned_evaluator"].id,
            role=CommitteeRole.voting,
        )
    )


def _letters(call, stage, staff_id: int, text: Text, upload_dir: Path) -> int:
    """The letter settings (with a logo), and the decision letter of the stage, issued; its register
    id."""
    db.session.add(
        Authority(
            id=1,
            name_en=text("authority.name_en", "Directorate for EU Affairs"),
            name_tr=text("authority.name_tr", "Avrupa Birliği Başkanlığı"),
            address=text("authority.address", "2082. Cadde No: 4, Ankara"),
            signatory_name=text("authority.signatory_name", "Deniz Yılmaz"),
            signatory_title_en=text("authority.signatory_title_en", "Head of Department"),
            signatory_title_tr=text("authority.signatory_title_tr", "Daire Başkanı"),
            complaints_body_en=text("authority.complaints_body_en", ""),
            complaints_body_tr=text("authority.complaints_body_tr", ""),
            complaints_address=text("authority.complaints_address", ""),
            logo_file=files.save(png_bytes(), "letterhead"),
            logo_type="image/png",
        )
    )
    db.session.flush()
    letters = build_letters(call, [stage], call.finalised_at)
    ((row, _letter),) = letter_services.issue(
        call, LetterKind.decision, [(stage, letters[stage.id])], staff_id
    )
    return row.id


def _open_call(world: World, orgs: dict, text: Text, upload_dir: Path) -> None:
    call = make_call(title=text("open_call.title", "Town twinning 2027"))
    draft = make_application(call, lead=orgs["lead"], partners=[orgs["partner"]], confirmed=False)
    _fill(draft, text, "draft")
    draft.attachments.append(
        Attachment(
            kind=AttachmentKind.annex,
            original_name="annex.pdf",
            stored_name="0" * 64,
            content_type="application/pdf",
            size=len(PDF),
        )
    )
    _store_files(draft, upload_dir, plain, "draft")
    invited = Partner(
        organisation=make_org("DE", verified=False, name=text("invited.name", "Stadt Esslingen")),
        role="Hosts the visits",
        position=1,
    )
    draft.partners.append(invited)
    invitation = PartnerInvitation(
        application_id=draft.id,
        partner=invited,
        organisation=invited.organisation,
        email="invited@esslingen.example",
        message=text("invited.message", "Join us."),
    )
    db.session.add(invitation)
    db.session.flush()
    _call_publications(world, call.id, upload_dir, text)
    world.ids |= {
        "open_call": call.id,
        "open_reference": call.reference,
        "draft": draft.id,
        "draft_partner": draft.partners[0].id,
        "draft_attachment": draft.attachments[0].id,
        "draft_invitation": invitation.id,
        "invitation_token": invitations._new_token(invitation),
    }


def _call_publications(world: World, call_id: int, upload_dir: Path, text: Text) -> None:
    """The open call's documents (the declaration template, another document), a question waiting
    for its answer, a published one, and a corrigendum that replaced the template."""
    template = CallDocument(
        call_id=call_id,
        kind=DocumentKind.declaration_template,
        language="en",
        original_name=text("document.original_name", "declaration.pdf"),
        stored_name=files.save(PDF, "call_documents"),
        content_type="application/pdf",
        size=len(PDF),
        version=2,
    )
    other = CallDocument(
        call_id=call_id,
        kind=DocumentKind.other,
        language="tr",
        title=text("document.title", "Bütçe"),
        original_name="butce.pdf",
        stored_name=files.save(PDF, "call_documents"),
        content_type="application/pdf",
        size=len(PDF),
    )
    waiting = CallQuestion(
        call_id=call_id,
        asked_by_id=world.users["outsider"].id,
        text=text("question.text", "May a university lead the application?"),
        public_text=text("question.public_text", "May a university lead the application?"),
    )
    answered = CallQuestion(
        call_id=call_id,
        asked_by_id=world.users["applicant"].id,
        text="Is VAT eligible?",
        public_text=text("question.published_text", "Is VAT eligible?"),
        answer=text("question.answer", "Only where it cannot be recovered."),
        published_at=now_utc(),
        published_by_id=world.users["staff"].id,
    )
    template.versions.append(
        CallDocumentVersion(
            version=1,
            original_name=text("document_version.original_name", "declaration-old.pdf"),
            stored_name=files.save(PDF, "call_documents"),
            content_type="application/pdf",
            size=len(PDF),
            uploaded_at=now_utc() - timedelta(days=3),
            superseded_at=now_utc() - timedelta(days=1),
        )
    )
    db.session.add_all([template, other, waiting, answered])
    db.session.flush()
    db.session.add(
        Corrigendum(
            call_id=call_id,
            number=1,
            reason=text("corrigendum.reason", "A clause was unclear."),
            published_by_id=world.users["staff"].id,
            document_id=template.id,
            document_name="declaration-old.pdf",
            replaced_version_id=template.versions[0].id,
        )
    )
    world.ids |= {"call_document": template.id, "question": waiting.id, "document_version": 1}


def _restricted_call() -> dict:
    call = restricted_call(total_budget=Decimal("200000.00"))
    note = add_application(call, [5, 5], "100000.00", stage=Stage.concept_note)
    rank_call(call.id)
    return {"restricted_call": call.id, "concept_note": note.stages[0].id}


def _jobs_and_mail(world: World, export_dir: Path, text: Text) -> None:
    files.exports().put("workbook-1.xlsx", b"PK\x03\x04 not really a workbook")
    staff, call = world.users["staff"].id, world.ids["call"]
    done = ReportJob(
        kind="workbook",
        call_id=call,
        status=JobStatus.finished,
        progress=100,
        file_path="workbook-1.xlsx",
        file_name="workbook.xlsx",
        requested_by_id=staff,
        finished_at=now_utc(),
    )
    failed = ReportJob(
        kind="bundle",
        call_id=call,
        status=JobStatus.failed,
        error="The disk was full.",
        requested_by_id=staff,
        finished_at=now_utc(),
    )
    message = OutboxMessage(
        to="someone@example.org",
        subject=text("mail.subject", "Your application"),
        body=text("mail.body", "Hello."),
        status=MailStatus.logged,
    )
    db.session.add_all([done, failed, message])
    db.session.flush()
    world.ids |= {"job": done.id, "failed_job": failed.id, "message": message.id}


def _grant(world: World, text: Text) -> None:
    """The contract of the awarded application "sub", in force since 1 January 2027 (signed by
    the applicant, countersigned by staff): what payments, reports and amendments happen on."""
    sub = db.session.get(Application, world.ids["application"])
    grant = prepare(sub, world.users["staff"].id, now_utc())
    grant.status, grant.sent_at = GrantStatus.in_force, now_utc()
    grant.signed_by_id, grant.signed_at = world.users["applicant"].id, now_utc()
    grant.countersigned_by_id, grant.countersigned_at = world.users["staff"].id, now_utc()
    grant.start_date, grant.end_date = date(2027, 1, 1), end_date(date(2027, 1, 1), grant.months)
    db.session.flush()
    amendment = GrantAmendment(
        grant_id=grant.id,
        kind=AmendmentKind.partner,
        justification=text("amendment", "The partner municipality merged with its neighbour."),
        details={"remove": None, "remove_name": "", "add": None, "add_name": "", "role": ""},
        requested_by_id=world.users["applicant"].id,
    )
    db.session.add(amendment)
    db.session.flush()
    world.ids |= {"grant": grant.id, "amendment": amendment.id}


def _grant_report(world: World, upload_dir: Path) -> None:
    """The final report of the world's grant, being written by the lead, with an expenditure
    verification PDF uploaded."""
    grant = db.session.get(Grant, world.ids["grant"])
    report = open_report(grant, ReportKind.final, 1, world.users["applicant"].id)
    report.verification_file = files.save(PDF)
    report.verification_name = "verification.pdf"
    db.session.flush()
    world.ids |= {"grant_report": report.id}


def _contracts(world: World, lead: Organisation) -> None:
    """Two more contracts of the lead, in a decided call of their own: a draft (staff fill in the
    bank account) and one sent for signature (the lead signs it)."""
    call = make_call(status="decided")
    draft = make_grant("draft", call=call, lead=lead, staff=world.users["staff"])
    sent = make_grant("sent", call=call, lead=lead, staff=world.users["staff"])
    world.ids |= {"draft_grant": draft.id, "sent_grant": sent.id}


def _payment(world: World) -> None:
    """A pre-financing payment of the grant recorded by the admin, waiting for another staff
    user's authorisation."""
    payment = GrantPayment(
        grant_id=world.ids["grant"],
        kind=PaymentKind.prefinancing,
        period=1,
        amount=Decimal("1000.00"),
        value_date=date(2027, 1, 20),
        recorded_by_id=world.users["admin"].id,
    )
    db.session.add(payment)
    db.session.flush()
    world.ids |= {"payment": payment.id}


def build_world(upload_dir: Path, export_dir: Path, text: Text = plain) -> World:
    orgs = _organisations(text)
    world = World(users=_users(orgs, text))
    _main_call(world, orgs, text, upload_dir)
    _open_call(world, orgs, text, upload_dir)
    _open_committee(world)
    world.ids |= _restricted_call()
    _jobs_and_mail(world, export_dir, text)
    _grant(world, text)
    _grant_report(world, upload_dir)
    _contracts(world, orgs["lead"])
    _payment(world)
    world.ids |= {
        "lead_org": orgs["lead"].id,
        "partner_org": orgs["partner"].id,
        "other_org": orgs["other"].id,
        "unverified_org": orgs["unverified"].id,
        "pending_user": world.users["pending_member"].id,
        "token": password_token(world.users["pending_member"]),
    }
    db.session.commit()  # a savepoint: rolled back at the end of the test
    return world
