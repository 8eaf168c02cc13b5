"""Restricted calls: inviting the shortlisted lead applicants to submit a full application
(docs/domain.md 3, 5).

`invite` is the only way a full-application stage comes into being in a restricted call. It locks
the call's row, refuses after the full-application deadline, once the call's decisions are final and
while concept notes still wait for their outcome; then it opens a draft full application for every
shortlisted concept note whose application has none yet (so running it again invites nobody twice),
records an audit event per application and one for the run, and e-mails the members acting for the
lead applicant and the partners, each in their own language. The request commits
(grants/unit_of_work.py).
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from grants import clock, mail
from grants.audit import record
from grants.auth.queries import acting_members
from grants.awards.errors import DecisionRefused
from grants.awards.queries.invitations import invitations, refusal
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import Application, ApplicationStage, Call, Stage, StageStatus, User
from grants.rules.problems import N_

S = StageStatus


def _lock(call_id: int) -> Call:
    call = db.session.scalar(
        select(Call)
        .where(Call.id == call_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if call is None:
        raise DecisionRefused(N_("There is no call with id %(id)s."), id=call_id)
    return call


def invite(call_id: int, user_id: int) -> list[Application]:
    """Open a draft full application for each shortlisted concept note not invited yet; the
    applications."""
    call = _lock(call_id)
    refused = refusal(call, clock.now())
    if refused is not None:
        raise refused
    plan = invitations(call)
    if plan.waiting:
        raise DecisionRefused(
            N_(
                "These concept notes have no outcome yet: %(references)s. Check, evaluate and "
                "rank them before inviting."
            ),
            references=", ".join(plan.waiting),
        )
    applications = [note.application for note in plan.to_invite]
    for application in applications:
        application.stages.append(ApplicationStage(stage=Stage.full_application, status=S.draft))
    db.session.flush()
    for application in applications:
        record(
            "application.invited_to_full_application",
            application,
            before={"stage": Stage.concept_note, "status": S.shortlisted},
            after={
                "stage": Stage.full_application,
                "status": S.draft,
                "reference": application.reference,
                "deadline": call.deadline,
            },
            user_id=user_id,
        )
    if applications:
        record(
            "call.full_applications_invited",
            call,
            after={"references": [a.reference for a in applications], "deadline": call.deadline},
            user_id=user_id,
        )
        _notify(call, applications)
    return applications


def _notify(call: Call, applications: list[Application]) -> None:
    """E-mail the members acting for each lead and partner organisation (one query for all of
    them)."""
    organisations = {
        a.id: [a.lead_id, *(p.organisation_id for p in a.partners)] for a in applications
    }
    members: dict[int, list[User]] = {}
    for user in acting_members({o for ids in organisations.values() for o in ids}):
        members.setdefault(user.organisation_id, []).append(user)
    for application in applications:
        link = url_for("applications.show", application_id=application.id, _external=True)
        for organisation_id in organisations[application.id]:
            for member in members.get(organisation_id, []):
                mail.send(
                    member.email,
                    _l(
                        "Application %(reference)s: submit the full application by the deadline",
                        reference=application.reference,
                    ),
                    "email/full_application_invited.txt",
                    locale=member.locale,
                    about=application.id,
                    member=member,
                    application=application,
                    call=call,
                    link=link,
                )
