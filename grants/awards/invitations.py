"""Restricted calls: inviting the shortlisted lead applicants to submit a full application (docs/domain.md 3, 5).

`invite` is the only way a full-application stage comes into being in a restricted call. It locks the
call's row, refuses after the full-application deadline, once the call's decisions are final and while
concept notes still wait for their outcome; then it opens a draft full application for every shortlisted
concept note whose application has none yet (so running it again invites nobody twice), records an audit
event per application and one for the run, and e-mails the members acting for the lead applicant and the
partners, each in their own language. The caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from sqlalchemy import exists, func, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from grants import mail
from grants.audit import record
from grants.auth.services import acting_members
from grants.awards.errors import DecisionRefused
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    Procedure,
    Stage,
    StageStatus,
    User,
)
from grants.models.base import now_utc
from grants.rules.decisions import invitation_refusal
from grants.rules.problems import N_
from grants.rules.transitions import UNDECIDED

now = now_utc  # the module's clock, read at the moment of the request: tests patch it

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


def refusal(call: Call, at) -> DecisionRefused | None:
    """Why nobody can be invited now, or None (grants.rules.decisions.invitation_refusal); `deadline`
    parameters are datetimes (shown in the call's zone)."""
    issue = invitation_refusal(call.reference, restricted=call.procedure is Procedure.restricted, status=call.status,
                               finalised=call.finalised_at is not None, deadline=call.deadline, at=at)
    return None if issue is None else DecisionRefused(issue.message, **issue.params)


def _lock(call_id: int) -> Call:
    call = db.session.scalar(select(Call).where(Call.id == call_id).with_for_update()
                             .execution_options(populate_existing=True))
    if call is None:
        raise DecisionRefused(N_("There is no call with id %(id)s."), id=call_id)
    return call


def invite(call_id: int, user_id: int) -> list[Application]:
    """Open a draft full application for each shortlisted concept note not invited yet; the applications."""
    call = _lock(call_id)
    refused = refusal(call, now())
    if refused is not None:
        raise refused
    plan = invitations(call)
    if plan.waiting:
        raise DecisionRefused(N_("These concept notes have no outcome yet: %(references)s. Check, evaluate and "
                                 "rank them before inviting."), references=", ".join(plan.waiting))
    applications = [note.application for note in plan.to_invite]
    for application in applications:
        application.stages.append(ApplicationStage(stage=Stage.full_application, status=S.draft))
    db.session.flush()
    for application in applications:
        record("application.invited_to_full_application", application,
               before={"stage": Stage.concept_note, "status": S.shortlisted},
               after={"stage": Stage.full_application, "status": S.draft, "reference": application.reference,
                      "deadline": call.deadline}, user_id=user_id)
    if applications:
        record("call.full_applications_invited", call, after={
            "references": [a.reference for a in applications], "deadline": call.deadline}, user_id=user_id)
        _notify(call, applications)
    return applications


def _notify(call: Call, applications: list[Application]) -> None:
    """E-mail the members acting for each lead and partner organisation (one query for all of them)."""
    organisations = {a.id: [a.lead_id, *(p.organisation_id for p in a.partners)] for a in applications}
    members: dict[int, list[User]] = {}
    for user in acting_members({o for ids in organisations.values() for o in ids}):
        members.setdefault(user.organisation_id, []).append(user)
    for application in applications:
        link = url_for("applications.show", application_id=application.id, _external=True)
        for organisation_id in organisations[application.id]:
            for member in members.get(organisation_id, []):
                mail.send(member.email, _l("Application %(reference)s: submit the full application by the deadline",
                                           reference=application.reference),
                          "email/full_application_invited.txt", locale=member.locale, member=member,
                          application=application, call=call, link=link)
