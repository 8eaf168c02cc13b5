"""Finalising a call's decisions, and what applicants see of them afterwards (domain.md 5).

Finalising locks the decisions (overrides, promotions and ranking are refused from then on), moves
the call to `decided`, and e-mails every verified member of each letter's lead organisation the
decision letter as a PDF in their language. The caller commits: the decision, the audit event and
every queued e-mail go together or not at all.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from flask import current_app, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from grants import mail
from grants.applications.access import is_lead_member
from grants.audit import record
from grants.awards.decisions import lock_call, release_withdrawn
from grants.awards.errors import DecisionRefused
from grants.awards.letters import UNDECIDED, build_letters, letter_stages, one_letter, render_pdf
from grants.awards.overview import load_call
from grants.calls.validation import N_
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    CallStatus,
    Organisation,
    Partner,
    Stage,
    StageStatus,
    User,
)
from grants.models.base import now_utc
from grants.rules.transitions import InvalidTransition, check_call_transition
from reports.letters import Letter

S = StageStatus
SHOWN_ORDER = (S.awarded, S.reserve, S.not_selected, S.shortlisted, S.not_shortlisted, S.below_threshold,
               S.inadmissible, *UNDECIDED)


@dataclass
class Summary:
    """What the confirmation page shows before finalising."""

    counts: dict[str, int] = field(default_factory=dict)  # outcome -> applications
    budgets: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # (lot name, budget, awarded)
    undecided: list[str] = field(default_factory=list)  # references without a decision yet
    previews: dict[str, int] = field(default_factory=dict)  # outcome -> an application id, for a letter preview


def summary(call: Call) -> Summary:
    result = Summary()
    stages = letter_stages(call)
    present = {s.status for s in stages}
    result.counts = {status.value: 0 for status in SHOWN_ORDER if status in present}
    for stage in stages:
        result.counts[stage.status.value] += 1
        result.previews.setdefault(stage.status.value, stage.application_id)
        if stage.status in UNDECIDED:
            result.undecided.append(stage.application.reference)
    result.budgets = [(lot.name, lot.budget, lot.awarded_total) for lot in call.lots] or [
        ("", call.total_budget, call.awarded_total)]
    return result


def _to_decided(call: Call) -> None:
    if call.status is CallStatus.decided:  # marked decided from the call page, not yet finalised
        return
    try:
        check_call_transition(call.status, CallStatus.decided)
    except InvalidTransition as error:
        raise DecisionRefused(N_("Call %(reference)s is '%(status)s': only a call in evaluation can be finalised."),
                              reference=call.reference, status=error.old) from error
    call.status = CallStatus.decided


def finalise(call_id: int, user_id: int) -> int:
    """Lock the call's decisions and queue the decision letters; the number of e-mails queued."""
    call = lock_call(call_id)
    status = call.status
    _to_decided(call)
    release_withdrawn(call, user_id)
    stages = letter_stages(load_call(call.id))
    undecided = [s.application.reference for s in stages if s.status in UNDECIDED]
    if undecided:
        raise DecisionRefused(N_("These applications have no decision yet: %(references)s. Check, evaluate and "
                                 "rank them before finalising."), references=", ".join(undecided))
    call.finalised_at, call.finalised_by_id = now_utc(), user_id
    db.session.flush()
    sent = send_letters(call, stages)
    record("call.finalised", call, before={"status": status, "finalised_at": None},
           after={"status": call.status, "finalised_at": call.finalised_at, "awarded_total": call.awarded_total,
                  "counts": dict(Counter(s.status.value for s in stages)), "emails": sent}, user_id=user_id)
    return sent


def _members(organisation_ids: set[int]) -> dict[int, list[User]]:
    """Organisation id -> the users acting for it (verified members of a verified organisation)."""
    members: dict[int, list[User]] = {}
    for user in db.session.scalars(
            select(User).join(Organisation, User.organisation_id == Organisation.id)
            .where(User.organisation_id.in_(organisation_ids), User.member_verified_at.is_not(None),
                   User.active.is_(True), Organisation.verified_at.is_not(None)).order_by(User.id)):
        members.setdefault(user.organisation_id, []).append(user)
    return members


def send_letters(call: Call, stages: list[ApplicationStage]) -> int:
    """E-mail each lead organisation's members their letter (PDF attached), each in their own language."""
    letters = build_letters(call, stages, call.finalised_at)
    members = _members({s.application.lead_id for s in stages})
    link = url_for("awards.my_decisions", _external=True)
    pdfs: dict[tuple[int, str], bytes] = {}
    sent = 0
    for stage in stages:
        letter = letters[stage.id]
        for member in members.get(stage.application.lead_id, []):
            locale = member.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
            if (stage.id, locale) not in pdfs:
                pdfs[stage.id, locale] = render_pdf(letter, locale)
            mail.send(member.email, _l("Decision on your application %(reference)s", reference=letter.reference),
                      "email/decision_letter.txt", locale=locale, attachment=(letter.file_name, pdfs[stage.id, locale]),
                      member=member, letter=letter, link=link)
            sent += 1
    return sent


# What applicants see --------------------------------------------------------------------------------

def organisation_decisions(organisation_id: int) -> list[tuple[Application, ApplicationStage]]:
    """The organisation's applications (as lead or partner) in calls whose decisions are final."""
    applications = db.session.scalars(
        select(Application).join(Call, Application.call_id == Call.id)
        .where(Call.finalised_at.is_not(None), Application.number.is_not(None),
               or_(Application.lead_id == organisation_id,
                   Application.partners.any(Partner.organisation_id == organisation_id)))
        .options(joinedload(Application.call), selectinload(Application.stages))
        .order_by(Call.finalised_at.desc(), Application.number))
    return [(a, _decided_stage(a)) for a in applications]


def _decided_stage(application: Application) -> ApplicationStage:
    full = application.stage(Stage.full_application)
    return full if full is not None and full.submitted_at is not None else application.stage(Stage.concept_note)


def applicant_letter(user: User, application_id: int) -> Letter | None:
    """The decision letter of an application, for a member of its lead organisation once the call is final."""
    application = db.session.get(Application, application_id)
    if application is None or not is_lead_member(user, application):
        return None
    call = load_call(application.call_id)
    if call.finalised_at is None:
        return None
    return one_letter(call, application.id, call.finalised_at)
