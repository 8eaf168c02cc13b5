"""The admissibility check as staff read it: the automatic checks (the submission conditions at the
submission time), the manual checks, and why the check is locked, in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime

from flask_babel import gettext as _

from grants import clock
from grants.admissibility.queries import lock, overrides_of, requests_of
from grants.applications.budget import rule_lines
from grants.i18n import lazy_gettext as _l
from grants.i18n import local_time
from grants.models import (
    AdmissibilityRequest,
    Application,
    ApplicationStage,
    Call,
    CheckOverride,
)
from grants.rules.admissibility_requests import RequestState, default_due_date, state_of
from grants.rules.budget import compute_totals
from grants.rules.problems import N_
from grants.rules.submission import DURATION, Blocker, check_submission
from grants.settings.queries import missing
from grants.submission.presenters import blocker_text
from grants.submission.queries import facts_for


@dataclass(frozen=True)
class ManualCheck:
    key: str
    label: object  # lazy, translated when shown
    unmet: object  # the reason recorded when staff leave it unticked


MANUAL_CHECKS = (
    ManualCheck(
        "declaration_signed",
        _l("Declaration signed by the legal representative"),
        _l("The declaration is not signed by the lead applicant's legal representative."),
    ),
    ManualCheck(
        "statements_signed",
        _l("Partnership statements signed"),
        _l("The partnership statements are not all signed."),
    ),
    ManualCheck(
        "lead_legal_status",
        _l("Legal status of the lead verified"),
        _l("The legal status of the lead applicant could not be verified."),
    ),
    ManualCheck(
        "documents_legible",
        _l("Documents legible and complete"),
        _l("The documents are not all legible and complete."),
    ),
)

AUTOMATIC_CHECKS = (
    ("deadline", _l("Submitted before the deadline")),
    ("complete", _l("Required information given")),
    (
        "documents",
        _l("Documents complete: the declaration and a partnership statement per partner"),
    ),
    ("eligibility", _l("Lead and partners eligible")),
    ("budget", _l("Budget and duration within the call's limits")),
    ("confirmed", _l("Partners confirmed")),
)


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    messages: list[str] = field(default_factory=list)  # why it is not met; empty when met
    override: CheckOverride | None = None  # staff's result in place of the computed one
    computed: list[str] = field(default_factory=list)  # the computed messages, when overridden

    @property
    def met(self) -> bool:
        return not self.messages


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
        return _(
            "Submitted on %(submitted)s, before the call opened (%(opens)s).",
            submitted=submitted,
            opens=local_time(blocker.params["opens"], zone),
        )
    return _(
        "Submitted on %(submitted)s, not before the deadline (%(deadline)s).",
        submitted=submitted,
        deadline=local_time(blocker.params["deadline"], zone),
    )


def automatic_checks(stage: ApplicationStage) -> list[Check]:
    """Each automatic check, met or not with its messages, in the reader's language."""
    application = stage.application
    facts = replace(facts_for(application, stage), call_published=True)
    at: datetime = stage.submitted_at
    totals = compute_totals(
        rule_lines(application),
        application.indirect,
        application.contingency,
        application.requested_grant,
    )
    messages: dict[str, list[str]] = {key: [] for key, _label in AUTOMATIC_CHECKS}
    for blocker in check_submission(facts, at):
        group = _group(blocker)
        text = (
            _deadline_text(blocker, stage, application.call.timezone)
            if group == "deadline"
            else blocker_text(blocker, application, totals)
        )
        messages[group].append(text)
    overrides = overrides_of(stage.id)
    return [
        _overridden(Check(key, str(label), messages[key]), overrides.get(key))
        for key, label in AUTOMATIC_CHECKS
    ]


def _overridden(check: Check, override: CheckOverride | None) -> Check:
    """The check as staff overrode it: met, or not met for the reason they wrote."""
    if override is None:
        return check
    return replace(
        check,
        messages=[] if override.met else [override.reason],
        override=override,
        computed=check.messages,
    )


def manual_checks(ticked: set[str]) -> list[Check]:
    return [
        Check(item.key, str(item.label), [] if item.key in ticked else [str(item.unmet)])
        for item in MANUAL_CHECKS
    ]


def locked_reason(stage: ApplicationStage) -> str | None:
    """Why the check of this stage can no longer be decided or changed, in the reader's language;
    None while it can."""
    found = lock(stage)
    return _(found) if found else None


SETTINGS_MISSING = N_(
    "The letter that tells the lead applicant the result cannot be issued without these letter "
    "settings: %(names)s. Give them on the letter settings page first."
)


def settings_refusal() -> str | None:
    """Why no result letter can be issued yet (letter settings missing), in the reader's language;
    None when it can."""
    absent = missing()
    return _(SETTINGS_MISSING, names=", ".join(absent)) if absent else None


# Document requests -------------------------------------------------------------------------------

STATE_LABELS = {
    RequestState.open: _l("Open: waiting for the lead"),
    RequestState.answered: _l("Answered"),
    RequestState.lapsed: _l("Lapsed: the deadline passed without an answer"),
}
STATE_BADGES = {
    RequestState.open: "text-bg-warning",
    RequestState.answered: "text-bg-success",
    RequestState.lapsed: "text-bg-secondary",
}


@dataclass(frozen=True)
class RequestView:
    request: AdmissibilityRequest
    document: str  # what is asked for, in the reader's language
    state: RequestState

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def badge(self) -> str:
        return STATE_BADGES[self.state]


def document_text(request: AdmissibilityRequest) -> str:
    if request.document == "declaration":
        return _("Signed declaration of the lead applicant")
    if request.document == "partnership_statement":
        return _("Partnership statement of %(name)s", name=request.organisation.name)
    return request.other


def views(requests: list[AdmissibilityRequest]) -> list[RequestView]:
    at = clock.now()
    return [
        RequestView(r, document_text(r), state_of(r.status.value, r.due_at, at)) for r in requests
    ]


def document_choices(application: Application) -> list[tuple[str, str]]:
    """What staff may ask for: the declaration, a partner's statement, or another document."""
    return (
        [("", _("Choose…")), ("declaration", _("Signed declaration of the lead applicant"))]
        + [
            (
                f"statement-{p.organisation_id}",
                _("Partnership statement of %(name)s", name=p.organisation.name),
            )
            for p in application.partners
        ]
        + [("other", _("Another document (name it below)"))]
    )


def lead_requests(application: Application) -> list[RequestView]:
    """The document requests the lead's members see on the application page (template global)."""
    stage_ids = [s.id for s in application.stages]
    return views([r for stage_id in stage_ids for r in requests_of(stage_id)])


def default_due(call: Call) -> date:
    return default_due_date(clock.now(), call.document_request_days, call.timezone)
