"""The admissibility and eligibility check: automatic checks, manual checks, the decision.

The automatic checks are the submission conditions (grants.rules.submission) evaluated on the
submitted application at its submission time, so "the call accepts submissions now" becomes
"submitted before the deadline". The decision issues a letter (numbered in the call's register,
grants.letters.register) that is e-mailed to the lead's members; when the lead has nobody who can
receive it, the letter waits on the list of letters to send by post. Services flush and audit; the
request commits once (grants.unit_of_work).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import joinedload, selectinload

from grants.applications.budget import rule_lines
from grants.audit import record
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.i18n import local_time
from grants.letters import register
from grants.models import (
    Application,
    ApplicationStage,
    Assignment,
    Call,
    LetterKind,
    Organisation,
    Partner,
    StageStatus,
)
from grants.models.base import now_utc
from grants.rules.budget import compute_totals
from grants.rules.problems import N_, Refused
from grants.rules.submission import DURATION, Blocker, check_submission
from grants.rules.transitions import InvalidTransition, check_stage_transition
from grants.settings.services import letterhead, missing
from grants.submission.presenters import blocker_text
from grants.submission.services import facts_for
from reports.letters import Letter

PAGE_SIZE = 50
CHECKED = (StageStatus.submitted, StageStatus.admissible, StageStatus.inadmissible)


@dataclass(frozen=True)
class ManualCheck:
    key: str
    label: object  # lazy, translated when shown
    unmet: object  # the reason recorded when staff leave it unticked


MANUAL_CHECKS = (
    ManualCheck("declaration_signed", _l("Declaration signed by the legal representative"),
                _l("The declaration is not signed by the lead applicant's legal representative.")),
    ManualCheck("statements_signed", _l("Partnership statements signed"),
                _l("The partnership statements are not all signed.")),
    ManualCheck("lead_legal_status", _l("Legal status of the lead verified"),
                _l("The legal status of the lead applicant could not be verified.")),
    ManualCheck("documents_legible", _l("Documents legible and complete"),
                _l("The documents are not all legible and complete.")),
)

AUTOMATIC_CHECKS = (
    ("deadline", _l("Submitted before the deadline")),
    ("complete", _l("Required information given")),
    ("documents", _l("Documents complete: the declaration and a partnership statement per partner")),
    ("eligibility", _l("Lead and partners eligible")),
    ("budget", _l("Budget and duration within the call's limits")),
    ("confirmed", _l("Partners confirmed")),
)


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    messages: list[str] = field(default_factory=list)  # why it is not met; empty when met

    @property
    def met(self) -> bool:
        return not self.messages


class DecisionRefused(Refused):
    """The decision breaks a rule; on the decision field unless it names another (`further_reasons`)."""

    field = "decision"


def load_call(call_id: int) -> Call | None:
    return db.session.get(Call, call_id)


def stage_page(call: Call, page: int) -> tuple[list[tuple[ApplicationStage, Application, Organisation]], int, int]:
    """One page of the call's submitted stages with their check status: rows, page, pages."""
    where = (Application.call_id == call.id, ApplicationStage.status.in_(CHECKED),
             ApplicationStage.submitted_at.is_not(None))
    total = db.session.scalar(select(func.count(ApplicationStage.id)).join(ApplicationStage.application).where(*where))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(ApplicationStage, Application, Organisation).join(ApplicationStage.application)
        .join(Organisation, Organisation.id == Application.lead_id).where(*where)
        .order_by(Application.number, ApplicationStage.stage, ApplicationStage.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return [tuple(r) for r in rows], page, pages


def load_stage(call_id: int, stage_id: int) -> ApplicationStage | None:
    """A submitted stage of the call, with what its checks read; None for anything else."""
    return db.session.scalar(
        select(ApplicationStage).join(ApplicationStage.application)
        .where(ApplicationStage.id == stage_id, Application.call_id == call_id,
               ApplicationStage.submitted_at.is_not(None))
        .options(joinedload(ApplicationStage.application).options(
            joinedload(Application.call), joinedload(Application.lead),
            selectinload(Application.partners).joinedload(Partner.organisation),
            selectinload(Application.attachments), selectinload(Application.budget_lines))))


def _group(blocker: Blocker) -> str:
    if blocker.fix == "call":
        return "deadline"
    if blocker.fix == "attachments":
        return "documents"
    if blocker.fix == "budget" or blocker.code in DURATION:
        return "budget"
    if blocker.code in ("partner_declined", "partner_not_confirmed"):
        return "confirmed"
    return "eligibility" if blocker.fix in ("partnership", "dashboard") else "complete"


def _deadline_text(blocker: Blocker, stage: ApplicationStage, zone: str) -> str:
    submitted = local_time(stage.submitted_at, zone)
    if blocker.code == "call_not_yet_open":
        return _("Submitted on %(submitted)s, before the call opened (%(opens)s).", submitted=submitted,
                 opens=local_time(blocker.params["opens"], zone))
    return _("Submitted on %(submitted)s, not before the deadline (%(deadline)s).", submitted=submitted,
             deadline=local_time(blocker.params["deadline"], zone))


def automatic_checks(stage: ApplicationStage) -> list[Check]:
    """Each automatic check, met or not with its messages, in the reader's language."""
    application = stage.application
    facts = replace(facts_for(application, stage), call_published=True)
    at: datetime = stage.submitted_at
    totals = compute_totals(rule_lines(application), application.indirect, application.contingency,
                            application.requested_grant)
    messages: dict[str, list[str]] = {key: [] for key, _label in AUTOMATIC_CHECKS}
    for blocker in check_submission(facts, at):
        group = _group(blocker)
        text = (_deadline_text(blocker, stage, application.call.timezone) if group == "deadline"
                else blocker_text(blocker, application, totals))
        messages[group].append(text)
    return [Check(key, str(label), messages[key]) for key, label in AUTOMATIC_CHECKS]


def manual_checks(ticked: set[str]) -> list[Check]:
    return [Check(item.key, str(item.label), [] if item.key in ticked else [str(item.unmet)])
            for item in MANUAL_CHECKS]


def _lock(stage: ApplicationStage) -> str | None:
    """Why the check of this stage can no longer be decided or changed (a message marked with N_); None while
    it can."""
    if stage.status not in CHECKED:
        return N_("This application is no longer at the check: its status is final for this step.")
    if stage.application.call.finalised_at is not None:
        return N_("The decisions of this call are final: the check can no longer change.")
    if db.session.scalar(select(exists().where(Assignment.stage_id == stage.id))):
        return N_("Evaluators have been assigned to this application: the check can no longer change.")
    return None


def locked_reason(stage: ApplicationStage) -> str | None:
    """Why the check of this stage can no longer be decided or changed, in the reader's language; None while
    it can."""
    lock = _lock(stage)
    return _(lock) if lock else None


SETTINGS_MISSING = N_("The letter that tells the lead applicant the result cannot be issued without these letter "
                      "settings: %(names)s. Give them on the letter settings page first.")


def settings_refusal() -> str | None:
    """Why no result letter can be issued yet (letter settings missing), in the reader's language; None when
    it can."""
    absent = missing()
    return _(SETTINGS_MISSING, names=", ".join(absent)) if absent else None


def _refuse_locked(stage: ApplicationStage) -> None:
    lock = _lock(stage)
    if lock:
        raise DecisionRefused(lock)
    absent = missing()
    if absent:
        raise DecisionRefused(SETTINGS_MISSING, names=", ".join(absent))


def decide(stage: ApplicationStage, outcome: str, ticked: set[str], further: str,
           user_id: int | None = None) -> register.Delivery:
    """Record the check's outcome with its reasons, audit it, and issue the letter that tells the lead
    applicant (e-mailed to its members, if it has any); how the lead was told.

    A decision may change while the check may still change (no evaluator assigned, the call's decisions not
    final): admissible and inadmissible then move to each other (grants.rules.transitions)."""
    _refuse_locked(stage)
    unmet = [m for check in automatic_checks(stage) + manual_checks(ticked) for m in check.messages]
    new = StageStatus(outcome)
    if new is StageStatus.admissible and unmet:
        raise DecisionRefused(N_("An application is admissible only when every check is met; %(count)d not met."),
                              count=len(unmet))
    reasons = unmet + ([further] if further else []) if new is StageStatus.inadmissible else []
    if new is StageStatus.inadmissible and not reasons:
        raise DecisionRefused(N_("Every check is met: give at least one reason for finding the application "
                                 "inadmissible."), field="further_reasons")
    if new is not stage.status:  # the same outcome again only changes its reasons
        try:
            check_stage_transition(stage.status, new)
        except InvalidTransition as error:
            raise DecisionRefused(N_("This application cannot take that decision."), field="") from error
    before = {"status": stage.status, "reasons": list(stage.inadmissible_reasons or [])}
    db.session.flush()
    claimed = db.session.execute(  # still as read: not reopened by its lead nor decided by a colleague meanwhile
        update(ApplicationStage).where(ApplicationStage.id == stage.id, ApplicationStage.status == stage.status)
        .values(status=new, inadmissible_reasons=reasons).execution_options(synchronize_session=False)).rowcount
    if claimed != 1:
        raise DecisionRefused(N_("The application changed while you were checking it (its lead may have reopened "
                                 "it to correct it): the check was not recorded."))
    db.session.refresh(stage)
    application = stage.application
    record("application.admissibility_checked", application, before=before,
           after={"stage": stage.stage, "status": new, "reasons": reasons, "manual_checks": sorted(ticked)},
           user_id=user_id)
    return _notify(application, stage, user_id)


def result_letter(application: Application, stage: ApplicationStage, date: datetime) -> Letter:
    """The letter of the check's result, as the lead applicant receives it (not numbered yet)."""
    call = application.call
    kept = stage.submitted_version or {}  # as submitted: a later rename of the lead never reaches the letter
    lead = kept.get("lead") or {"name": application.lead.name, "country": application.lead.country}
    lot = application.lot
    return Letter(
        kind="admissibility", call_reference=call.reference, call_title=call.title, currency=call.currency,
        timezone=call.timezone, date=date, reference=application.reference, title=kept.get("title", application.title),
        lead_name=lead["name"], lead_country=lead["country"], lead_address=application.lead.address or "",
        lot_name=f"{lot.code} – {lot.name}" if lot else "", stage=stage.stage.value, outcome=stage.status.value,
        requested_grant=stage.requested_grant_or_application,
        inadmissible_reasons=tuple(stage.inadmissible_reasons or ()), letterhead=letterhead(),
        complaint_days=call.complaint_days, complaint_by=register.complaint_by(call, date))


def _notify(application: Application, stage: ApplicationStage, user_id: int | None) -> register.Delivery:
    """Issue the result letter and e-mail it to every member acting for the lead, each in their own language."""
    issued = register.issue(application.call, LetterKind.admissibility,
                            [(stage, result_letter(application, stage, now_utc()))], user_id)
    subject = _l("Application %(reference)s: result of the administrative and eligibility check",
                 reference=application.reference)
    return register.email(issued, register.lead_members([application.lead_id]), lambda letter: subject,
                          f"email/admissibility_{stage.status.value}.txt", application=application,
                          call=application.call, stage=stage,
                          link=url_for("applications.show", application_id=application.id, _external=True))
