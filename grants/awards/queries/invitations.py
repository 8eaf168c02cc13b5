"""Restricted calls: who an invitation run would invite, who was invited, and why nobody can be now
(the use case is grants.awards.services.invitations)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from grants.awards.errors import DecisionRefused
from grants.extensions import db
from grants.models import Application, ApplicationStage, Call, Procedure, Stage, StageStatus
from grants.rules.decisions import invitation_refusal
from grants.rules.transitions import UNDECIDED

S = StageStatus


@dataclass(frozen=True)
class Invitations:
    """The call's shortlisted concept notes, in rank order, split by whether their lead was
    invited."""

    to_invite: list[ApplicationStage]
    invited: list[ApplicationStage]
    waiting: list[str]  # references of the concept notes that have no outcome yet


def invitations(call: Call) -> Invitations:
    """Who an invitation run would invite, and who was invited already (a fixed number of
    queries)."""
    notes = list(
        db.session.scalars(
            select(ApplicationStage)
            .join(ApplicationStage.application)
            .where(
                Application.call_id == call.id,
                ApplicationStage.stage == Stage.concept_note,
                ApplicationStage.submitted_at.is_not(None),
            )
            .options(
                contains_eager(ApplicationStage.application).options(
                    joinedload(Application.lead),
                    joinedload(Application.lot),
                    selectinload(Application.stages),
                    selectinload(Application.partners),
                )
            )
            .order_by(
                Application.lot_id,
                ApplicationStage.rank.is_(None),
                ApplicationStage.rank,
                Application.number,
            )
        )
    )
    shortlisted = [s for s in notes if s.status is S.shortlisted]
    return Invitations(
        [s for s in shortlisted if s.application.stage(Stage.full_application) is None],
        [s for s in shortlisted if s.application.stage(Stage.full_application) is not None],
        [s.application.reference for s in notes if s.status in UNDECIDED],
    )


@dataclass(frozen=True)
class InvitationCounts:
    to_invite: int  # shortlisted concept notes whose lead has no full application yet
    invited: int


def invitation_counts(call: Call) -> InvitationCounts:
    """How many shortlisted leads an invitation run would invite, and how many were invited (one
    query)."""
    full = aliased(ApplicationStage)
    shortlisted, invited = db.session.execute(
        select(func.count(ApplicationStage.id), func.count(full.id))
        .join(ApplicationStage.application)
        .outerjoin(
            full,
            (full.application_id == ApplicationStage.application_id)
            & (full.stage == Stage.full_application),
        )
        .where(
            Application.call_id == call.id,
            ApplicationStage.stage == Stage.concept_note,
            ApplicationStage.status == S.shortlisted,
            ApplicationStage.submitted_at.is_not(None),
        )
    ).one()
    return InvitationCounts(shortlisted - invited, invited)


def invitations_sent(call_id: int) -> bool:
    """Whether the call's shortlisted applicants were invited: a concept note's application has a
    full application. From then on the concept notes' outcomes are settled."""
    note, full = aliased(ApplicationStage), aliased(ApplicationStage)
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    Application.call_id == call_id,
                    note.application_id == Application.id,
                    note.stage == Stage.concept_note,
                    full.application_id == Application.id,
                    full.stage == Stage.full_application,
                )
            )
        )
    )


def refusal(call: Call, at: datetime) -> DecisionRefused | None:
    """Why nobody can be invited now (grants.rules.decisions.invitation_refusal), or None."""
    issue = invitation_refusal(
        call.reference,
        restricted=call.procedure is Procedure.restricted,
        status=call.status,
        finalised=call.finalised_at is not None,
        deadline=call.deadline,
        zone=call.timezone,
        at=at,
    )
    return None if issue is None else DecisionRefused(issues=[issue])
