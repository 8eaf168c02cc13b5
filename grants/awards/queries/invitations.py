"""Restricted calls: who an invitation run would invite, who was invited, and why nobody can be now
(the use case is grants.awards.services.invitations)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from grants.awards.errors import DecisionRefused
from grants.extensions import db
from grants.models import Application, ApplicationStage, Call, CallStatus, Procedure, Stage, StageStatus
from grants.rules.problems import N_, Moment
from grants.rules.transitions import UNDECIDED

S = StageStatus


@dataclass(frozen=True)
class Invitations:
    """The call's shortlisted concept notes, in rank order, split by whether their lead was invited."""

    to_invite: list[ApplicationStage]
    invited: list[ApplicationStage]
    waiting: list[str]  # references of the concept notes that have no outcome yet


def invitations(call: Call) -> Invitations:
    """Who an invitation run would invite, and who was invited already (a fixed number of queries)."""
    notes = list(db.session.scalars(
        select(ApplicationStage).join(ApplicationStage.application)
        .where(Application.call_id == call.id, ApplicationStage.stage == Stage.concept_note,
               ApplicationStage.submitted_at.is_not(None))
        .options(contains_eager(ApplicationStage.application).options(
            joinedload(Application.lead), joinedload(Application.lot), selectinload(Application.stages),
            selectinload(Application.partners)))
        .order_by(Application.lot_id, ApplicationStage.rank.is_(None), ApplicationStage.rank, Application.number)))
    shortlisted = [s for s in notes if s.status is S.shortlisted]
    return Invitations([s for s in shortlisted if s.application.stage(Stage.full_application) is None],
                       [s for s in shortlisted if s.application.stage(Stage.full_application) is not None],
                       [s.application.reference for s in notes if s.status in UNDECIDED])


@dataclass(frozen=True)
class InvitationCounts:
    to_invite: int  # shortlisted concept notes whose lead has no full application yet
    invited: int


def invitation_counts(call: Call) -> InvitationCounts:
    """How many shortlisted leads an invitation run would invite, and how many were invited (one query)."""
    full = aliased(ApplicationStage)
    shortlisted, invited = db.session.execute(
        select(func.count(ApplicationStage.id), func.count(full.id)).join(ApplicationStage.application)
        .outerjoin(full, (full.application_id == ApplicationStage.application_id)
                   & (full.stage == Stage.full_application))
        .where(Application.call_id == call.id, ApplicationStage.stage == Stage.concept_note,
               ApplicationStage.status == S.shortlisted, ApplicationStage.submitted_at.is_not(None))).one()
    return InvitationCounts(shortlisted - invited, invited)


def invitations_sent(call_id: int) -> bool:
    """Whether the call's shortlisted applicants were invited: a concept note's application has a full
    application. From then on the concept notes' outcomes are settled."""
    note, full = aliased(ApplicationStage), aliased(ApplicationStage)
    return bool(db.session.scalar(select(exists().where(
        Application.call_id == call_id, note.application_id == Application.id, note.stage == Stage.concept_note,
        full.application_id == Application.id, full.stage == Stage.full_application))))


def refusal(call: Call, at: datetime) -> DecisionRefused | None:
    """Why nobody can be invited now, or None."""
    if call.procedure is not Procedure.restricted:
        return DecisionRefused(N_("Call %(reference)s has no concept notes: only the leads of a restricted call "
                                  "are invited to submit a full application."), reference=call.reference)
    if call.finalised_at is not None or call.status in (CallStatus.decided, CallStatus.closed):
        return DecisionRefused(N_("The decisions of call %(reference)s are final: nobody can be invited to "
                                  "submit a full application any more."), reference=call.reference)
    if at >= call.deadline:
        return DecisionRefused(N_("The full-application deadline (%(deadline)s) has passed: nobody can be "
                                  "invited to submit a full application any more."),
                               deadline=Moment(call.deadline, call.timezone))
    return None
