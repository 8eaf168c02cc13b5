"""The admissibility and eligibility check: the decision (its checks as staff read them:
presenters.py).

The automatic checks are the submission conditions (grants.rules.submission) evaluated on the
submitted application at its submission time, so "the call accepts submissions now" becomes
"submitted before the deadline". The decision issues a letter (numbered in the call's register,
grants.letters) that is e-mailed to the lead's members; when the lead has nobody who can
receive it, the letter waits on the list of letters to send by post. Services flush and audit; the
request commits once (grants.unit_of_work).
"""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import update

from grants import clock
from grants.admissibility.presenters import (  # MANUAL_CHECKS, locked_reason: the check's terms
    MANUAL_CHECKS,  # noqa: F401
    SETTINGS_MISSING,
    automatic_checks,
    locked_reason,  # noqa: F401
    manual_checks,
)
from grants.admissibility.queries import lock
from grants.admissibility.services.clarifications import close_lapsed
from grants.audit import record
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.letters import queries as letter_queries
from grants.letters import services as letter_services
from grants.models import Application, ApplicationStage, LetterKind, StageStatus
from grants.models.base import now_utc
from grants.rules.problems import N_, Refused
from grants.rules.transitions import InvalidTransition, check_stage_transition
from grants.settings.queries import letterhead, missing
from reports.letters import Letter


class DecisionRefused(Refused):
    """The decision breaks a rule; on the decision field unless it names another
    (`further_reasons`)."""

    field = "decision"


def _refuse_locked(stage: ApplicationStage) -> None:
    locked = lock(stage)
    if locked:
        raise DecisionRefused(locked)
    absent = missing()
    if absent:
        raise DecisionRefused(SETTINGS_MISSING, names=", ".join(absent))


def decide(
    stage: ApplicationStage,
    outcome: str,
    ticked: set[str],
    further: str,
    user_id: int | None = None,
) -> letter_services.Delivery:
    """Record the check's outcome with its reasons, audit it, and issue the letter that tells the
    lead applicant (e-mailed to its members, if it has any); how the lead was told.

    A decision may change while the check may still change (no evaluator assigned, the call's
    decisions not final): admissible and inadmissible then move to each other
    (grants.rules.transitions)."""
    _refuse_locked(stage)
    close_lapsed(stage, clock.now(), user_id)
    unmet = [m for check in automatic_checks(stage) + manual_checks(ticked) for m in check.messages]
    new = StageStatus(outcome)
    if new is StageStatus.admissible and unmet:
        raise DecisionRefused(
            N_("An application is admissible only when every check is met; %(count)d not met."),
            count=len(unmet),
        )
    reasons = unmet + ([further] if further else []) if new is StageStatus.inadmissible else []
    if new is StageStatus.inadmissible and not reasons:
        raise DecisionRefused(
            N_(
                "Every check is met: give at least one reason for finding the application "
                "inadmissible."
            ),
            field="further_reasons",
        )
    if new is not stage.status:  # the same outcome again only changes its reasons
        try:
            check_stage_transition(stage.status, new)
        except InvalidTransition as error:
            raise DecisionRefused(
                N_("This application cannot take that decision."), field=""
            ) from error
    before = {"status": stage.status, "reasons": list(stage.inadmissible_reasons or [])}
    db.session.flush()
    # still as read: not reopened by its lead nor decided by a colleague meanwhile
    claimed = db.session.execute(
        update(ApplicationStage)
        .where(ApplicationStage.id == stage.id, ApplicationStage.status == stage.status)
        .values(status=new, inadmissible_reasons=reasons)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        raise DecisionRefused(
            N_(
                "The application changed while you were checking it (its lead may have reopened "
                "it to correct it): the check was not recorded."
            )
        )
    db.session.refresh(stage)
    application = stage.application
    record(
        "application.admissibility_checked",
        application,
        before=before,
        after={
            "stage": stage.stage,
            "status": new,
            "reasons": reasons,
            "manual_checks": sorted(ticked),
        },
        user_id=user_id,
    )
    return _notify(application, stage, user_id)


def result_letter(application: Application, stage: ApplicationStage, date: datetime) -> Letter:
    """The letter of the check's result, as the lead applicant receives it (not numbered yet)."""
    return Letter(
        kind="admissibility",
        **letter_queries.letter_header(
            application.call, stage, date, lot=application.lot, letterhead=letterhead()
        ),
    )


def _notify(
    application: Application, stage: ApplicationStage, user_id: int | None
) -> letter_services.Delivery:
    """Issue the result letter and e-mail it to every member acting for the lead, each in their own
    language."""
    issued = letter_services.issue(
        application.call,
        LetterKind.admissibility,
        [(stage, result_letter(application, stage, now_utc()))],
        user_id,
    )
    subject = _l(
        "Application %(reference)s: result of the administrative and eligibility check",
        reference=application.reference,
    )
    return letter_services.email(
        issued,
        letter_queries.lead_members([application.lead_id]),
        lambda letter: subject,
        f"email/admissibility_{stage.status.value}.txt",
        application=application,
        call=application.call,
        stage=stage,
        link=url_for("applications.show", application_id=application.id, _external=True),
    )
