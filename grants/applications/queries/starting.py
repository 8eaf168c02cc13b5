"""Whether an organisation may start an application (and its open draft), and the applicant's
dashboard: the calls open to them and their applications (a fixed number of queries)."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import joinedload

from grants.applications.access import current_stage, invited_to_full_application
from grants.calls.queries import public_calls
from grants.extensions import db
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    CallStatus,
    Partner,
    Procedure,
    Stage,
    StageStatus,
    User,
)
from grants.rules import starting
from grants.rules.problems import Issue


@dataclass(frozen=True)
class Row:
    application: Application
    stage: ApplicationStage | None
    partner: Partner | None = None  # the organisation's place in someone else's application

    @property
    def invited(self) -> bool:
        return invited_to_full_application(self.application)

    @property
    def deadline(self) -> datetime:
        stage = self.stage.stage if self.stage else Stage.full_application
        return self.application.call.submission_deadline(stage)


@dataclass(frozen=True)
class Dashboard:
    led: list[Row] = field(default_factory=list)
    partnered: list[Row] = field(default_factory=list)
    calls: list[tuple[Call, list[Issue]]] = field(
        default_factory=list
    )  # open calls and why one cannot start


def first_stage(call: Call) -> Stage:
    return Stage.concept_note if call.procedure is Procedure.restricted else Stage.full_application


def _member(user: User) -> starting.Member:
    org = user.organisation
    return starting.Member(
        email=user.email,
        email_confirmed=user.email_confirmed,
        member_verified=user.member_verified_at is not None,
        active=user.active,
        organisation=org.name if org else None,
        verified=bool(org and org.verified),
        rejected=bool(org and org.rejected_at is not None),
        identity_changed=bool(org and org.identity_changed_at),
    )


def acting_issue(user: User) -> Issue | None:
    """Why the user cannot act for an organisation, or None when they can
    (grants.rules.starting)."""
    return starting.acting_refusal(_member(user))


def start_issues(user: User, call: Call, now: datetime, others: int) -> list[Issue]:
    """Every reason the user's organisation cannot start an application in the call
    (grants.rules.starting); `others`: its applications in the call that are not withdrawn."""
    opening = starting.Opening(
        call.reference,
        call.status is CallStatus.published,
        call.opens_at,
        call.submission_deadline(first_stage(call)),
        call.timezone,
    )
    lead = user.organisation.party() if user.organisation else None
    return starting.start_refusals(
        _member(user), lead, opening, call.eligibility_rules(), others, now
    )


def not_withdrawn():
    """Condition on Application: none of its stages is withdrawn."""
    return ~exists().where(
        ApplicationStage.application_id == Application.id,
        ApplicationStage.status == StageStatus.withdrawn,
    )


def other_applications(org_id: int, call_id: int) -> int:
    return db.session.scalar(
        select(func.count(Application.id)).where(
            Application.lead_id == org_id, Application.call_id == call_id, not_withdrawn()
        )
    )


def open_draft(org_id: int, call_id: int) -> Application | None:
    """The lead's never-submitted draft in the call: there is at most one
    (uq_application_one_draft)."""
    return db.session.scalar(
        select(Application).where(
            Application.lead_id == org_id,
            Application.call_id == call_id,
            Application.number.is_(None),
        )
    )


def dashboard(user: User, now: datetime) -> Dashboard:
    if not user.acts_for_organisation:
        return Dashboard()
    org_id = user.organisation_id
    led = (
        db.session.scalars(
            select(Application)
            .where(Application.lead_id == org_id)
            .options(joinedload(Application.call), joinedload(Application.stages))
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
        .unique()
        .all()
    )
    partnered = (
        db.session.execute(
            select(Application, Partner)
            .join(Partner, Partner.application_id == Application.id)
            .where(Partner.organisation_id == org_id)
            .options(
                joinedload(Application.call),
                joinedload(Application.lead),
                joinedload(Application.stages),
            )
            .order_by(Application.created_at.desc(), Application.id.desc())
        )
        .unique()
        .all()
    )
    others = Counter(
        a.call_id for a in led if not any(s.status is StageStatus.withdrawn for s in a.stages)
    )
    open_calls, _upcoming = public_calls(now)
    calls = [
        (call, start_issues(user, call, now, others[call.id]))
        for call in open_calls
        if now < call.submission_deadline(first_stage(call))
    ]
    return Dashboard(
        led=[Row(a, current_stage(a)) for a in led],
        partnered=[Row(a, current_stage(a), p) for a, p in partnered],
        calls=calls,
    )
