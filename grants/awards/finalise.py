"""Finalising a call's decisions, and what applicants see of them afterwards (docs/domain.md 5).

Finalising locks the decisions (overrides, promotions and ranking are refused from then on), moves
the call to `decided`, issues every decision letter (numbered in the call's register of letters,
grants.letters.register) and e-mails each to every verified member of its lead organisation as a
PDF in their language. Letters that nobody could receive are listed for sending by post or
registered e-mail. It is refused while the letter settings (letterhead, signatory) are incomplete.
The caller commits: the decision, the letters, the audit event and every queued e-mail go together
or not at all.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload, selectinload

from grants.applications.access import is_lead_member
from grants.audit import record
from grants.awards.decisions import lock_call, release_withdrawn
from grants.awards.errors import DecisionRefused
from grants.awards.letters import build_letters, letter_stages, one_letter
from grants.awards.overview import load_call
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.letters import register
from grants.models import (
    Application,
    ApplicationStage,
    Call,
    CallStatus,
    LetterKind,
    Partner,
    Stage,
    StageStatus,
    User,
)
from grants.models.base import now_utc
from grants.rules.problems import N_
from grants.rules.transitions import UNDECIDED, InvalidTransition, check_call_transition, in_order
from grants.settings.services import missing as missing_settings
from reports.letters import Letter

S = StageStatus
SHOWN_ORDER = (S.awarded, S.reserve, S.not_selected, S.shortlisted, S.not_shortlisted, S.below_threshold,
               S.inadmissible, *in_order(UNDECIDED))


@dataclass
class Summary:
    """What the confirmation page shows before finalising."""

    counts: dict[str, int] = field(default_factory=dict)  # outcome -> applications
    budgets: list[tuple[str, Decimal, Decimal]] = field(default_factory=list)  # (lot name, budget, awarded)
    undecided: list[str] = field(default_factory=list)  # references without a decision yet
    previews: dict[str, int] = field(default_factory=dict)  # outcome -> an application id, for a letter preview
    unreachable: list[str] = field(default_factory=list)  # references whose lead has nobody to e-mail
    missing_settings: list[str] = field(default_factory=list)  # letter settings still to give


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
    members = register.lead_members(s.application.lead_id for s in stages)
    result.unreachable = sorted(s.application.reference for s in stages if not members.get(s.application.lead_id))
    result.missing_settings = missing_settings()
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


def finalise(call_id: int, user_id: int) -> register.Delivery:
    """Lock the call's decisions, issue the decision letters and e-mail them; how the applicants were told."""
    call = lock_call(call_id)
    status = call.status
    missing = missing_settings()
    if missing:
        raise DecisionRefused(N_("The decision letters cannot be issued without these letter settings: "
                                 "%(names)s. Give them on the letter settings page first."), names=", ".join(missing))
    _to_decided(call)
    release_withdrawn(call, user_id)
    stages = letter_stages(load_call(call.id))
    undecided = [s.application.reference for s in stages if s.status in UNDECIDED]
    if undecided:
        raise DecisionRefused(N_("These applications have no decision yet: %(references)s. Check, evaluate and "
                                 "rank them before finalising."), references=", ".join(undecided))
    call.finalised_at, call.finalised_by_id = now_utc(), user_id
    db.session.flush()
    delivery = send_letters(call, stages, user_id)
    record("call.finalised", call, before={"status": status, "finalised_at": None},
           after={"status": call.status, "finalised_at": call.finalised_at, "awarded_total": call.awarded_total,
                  "counts": dict(Counter(s.status.value for s in stages)), "emails": delivery.emails,
                  "letters": len(stages), "told_by_email": len(delivery.told),
                  "to_send_by_post": [row.number for row in delivery.not_told]}, user_id=user_id)
    return delivery


def send_letters(call: Call, stages: list[ApplicationStage], user_id: int | None = None) -> register.Delivery:
    """Issue each stage's decision letter (numbered in reference order) and e-mail it to its lead's members."""
    letters = build_letters(call, stages, call.finalised_at)
    ordered = sorted(stages, key=lambda s: s.application.number)
    issued = register.issue(call, LetterKind.decision, [(s, letters[s.id]) for s in ordered], user_id)
    members = register.lead_members(s.application.lead_id for s in stages)
    return register.email(issued, members, _subject, "email/decision_letter.txt",
                          link=url_for("awards.my_decisions", _external=True))


def _subject(letter: Letter):
    return _l("Decision on your application %(reference)s", reference=letter.reference)


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
    return final_letter(call, application.id)


def final_letter(call: Call, application_id: int) -> Letter | None:
    """The decision letter of a finalised call's application as issued (a call finalised before letters were
    kept in the register, or imported decided, gets it built from the decisions, unnumbered)."""
    row = register.latest(call.id, application_id, LetterKind.decision)
    return register.letter_of(row) if row is not None else one_letter(call, application_id, call.finalised_at)
