"""What the demo adds so that each role can try the committee, the admissibility clarifications,
the logical framework and the call's documents (issue 16): made by load_demo (grants/demo.py) after
the example calls are imported, through the services where they exist.

- The example call: ranked as the application ranks it, and a committee (the demo staff user
  chairs, the administrator keeps the minutes, the demo evaluator and two of the example's
  assessors vote), everyone signed, the chair's and voting members' approvals of that ranking (so
  staff can finalise), and one meeting's minutes.
- The call in evaluation: one more application, still at the administrative check, with an open
  request to its lead for a document (e-mailed to the lead, as staff's request is) and an
  automatic check overridden by staff.
- Every example application: a logical framework (two results, each with an indicator).
- The open call: the guidelines in English and a published clarification (FAQ), once.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from io import BytesIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from grants import clock
from grants.admissibility.presenters import automatic_checks
from grants.admissibility.services.clarifications import ask, override
from grants.awards import rank_call
from grants.calldocs.services import upload_document
from grants.committee.services import add_member, approve, record_minutes, sign
from grants.extensions import db
from grants.models import (
    AdmissibilityRequest,
    Application,
    ApplicationStage,
    Call,
    CallDocument,
    CallQuestion,
    LogframeIndicator,
    LogframeResult,
    RequestStatus,
    StageStatus,
    User,
)

# (e-mail, role); the assessors are the example's, who log in with the demo password
COMMITTEE = (
    ("staff@example.org", "chair"),
    ("admin@example.org", "secretary"),
    ("evaluator@example.org", "voting"),
    ("assessor1@example.org", "voting"),
    ("assessor2@example.org", "voting"),
)
MINUTES = (
    "The committee reviewed the evaluation report: 92 evaluations of 46 admissible applications, "
    "the averages of the assessors and the ranking per lot. It approved the ranked list, the "
    "reserve list and the proposed grant amounts, and asked staff to finalise the decisions."
)
REQUESTED = (
    "The declaration of the lead applicant is not signed by the mayor. Upload a copy signed and "
    "stamped by the mayor or a deputy mayor."
)
OVERRIDDEN = (
    "The partner's statement arrived by registered mail before the deadline; staff scanned it into "
    "the file."
)
QUESTION = "Can a union of municipalities apply as the lead applicant?"
ANSWER = (
    "Yes, if it is registered in Türkiye and its members are municipalities; see the eligibility "
    "section of the guidelines."
)
FRAMEWORK = (
    (
        "Staff of both municipalities trained in {theme} practice through study visits.",
        "Staff members trained",
        "people",
        Decimal("0"),
        Decimal("24"),
        "Attendance lists and certificates of the study visits",
    ),
    (
        "A joint action plan adopted by both councils.",
        "Council decisions adopting the action plan",
        "decisions",
        Decimal("0"),
        Decimal("2"),
        "Council minutes of both municipalities",
    ),
)
# the smallest PDF a reader opens: one empty page
GUIDELINES_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _user(email: str) -> User:
    return db.session.scalar(select(User).where(User.email == email))


def committee(call: Call) -> None:
    """The example call's committee, signed, its approvals of the ranking as it stands, and the
    minutes of the meeting that approved it (the call is replaced on every load: made anew)."""
    staff = _user("staff@example.org")
    rank_call(call.id, staff.id)  # the ranking the application computes: ranking again keeps it
    members = [add_member(call, _user(email).id, role, staff.id) for email, role in COMMITTEE]
    for member in members:
        sign(member)
    for member in members:
        if member.role.value in ("chair", "voting"):
            approve(call, member)
    secretary = members[1]
    record_minutes(
        call,
        clock.now().date() - timedelta(days=1),
        [m.id for m in members],
        MINUTES,
        secretary.user_id,
    )


def clarifications(call: Call) -> Application:
    """An open document request to the lead of the application still at the check, and an
    automatic check of it overridden; the application."""
    application = db.session.scalars(
        select(Application)
        .join(ApplicationStage)
        .where(Application.call_id == call.id, ApplicationStage.status == StageStatus.submitted)
        .order_by(Application.number)
    ).first()
    stage = application.stages[-1]
    staff = _user("staff@example.org")
    day = clock.now().astimezone(ZoneInfo(call.timezone)).date()
    ask(
        stage,
        "declaration",
        "",
        REQUESTED,
        day + timedelta(days=call.document_request_days),
        staff.id,
    )
    unmet = next(
        (c for c in automatic_checks(stage) if c.key in ("documents", "confirmed") and c.messages),
        None,
    )
    if unmet is not None:
        override(stage, unmet.key, True, OVERRIDDEN, staff.id)
    return application


def logframes(call: Call) -> None:
    """A logical framework for each application of the call that has none."""
    for app in db.session.scalars(select(Application).where(Application.call_id == call.id)):
        if app.results:
            continue
        theme = app.theme or "municipal"
        app.overall_objective = (
            f"Closer cooperation between Turkish and European local authorities in {theme}."
        )
        app.specific_objective = f"Both municipalities apply what they learn in {theme} together."
        app.results = [
            LogframeResult(
                position=i,
                text=text.format(theme=theme),
                indicators=[
                    LogframeIndicator(
                        position=0,
                        description=description,
                        unit=unit,
                        baseline=baseline,
                        target=target,
                        source=source,
                    )
                ],
            )
            for i, (text, description, unit, baseline, target, source) in enumerate(FRAMEWORK)
        ]


def call_documents(call: Call) -> None:
    """The open call's guidelines (English) and one published clarification, unless it has them."""
    staff = _user("staff@example.org")
    has_document = db.session.scalar(
        select(CallDocument.id).where(CallDocument.call_id == call.id).limit(1)
    )
    if has_document is None:
        upload_document(
            call,
            "guidelines",
            "en",
            "",
            FileStorage(
                stream=BytesIO(GUIDELINES_PDF),
                filename="guidelines-en.pdf",
                content_type="application/pdf",
            ),
            staff,
        )
    published = db.session.scalar(
        select(CallQuestion.id)
        .where(CallQuestion.call_id == call.id, CallQuestion.published_at.is_not(None))
        .limit(1)
    )
    if published is None:
        now = clock.now()
        db.session.add(
            CallQuestion(
                call_id=call.id,
                asked_by_id=_user("applicant@example.org").id,
                asked_at=now - timedelta(hours=2),
                text=QUESTION,
                public_text=QUESTION,
                answer=ANSWER,
                published_at=now,
                published_by_id=staff.id,
            )
        )


def lead_with_request() -> str:
    """The e-mail of the lead officer an open document request waits for (for the demo's
    message)."""
    request = db.session.scalar(
        select(AdmissibilityRequest).where(AdmissibilityRequest.status == RequestStatus.open)
    )
    members = request.stage.application.lead.members if request else []
    return next((u.email for u in members if u.acts_for_organisation), "No lead")
