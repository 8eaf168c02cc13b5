"""Finalising a call's decisions (docs/domain.md 5).

Finalising locks the decisions (overrides, promotions and ranking are refused from then on), moves
the call to `decided`, issues every decision letter (numbered in the call's register of letters,
grants.letters) and e-mails each to every verified member of its lead organisation as a
PDF in their language. Letters that nobody could receive are listed for sending by post or
registered e-mail. It is refused while the letter settings (letterhead, signatory) are incomplete,
and until the evaluation committee approved the ranking as it stands (grants.committee).
The request commits (grants/unit_of_work.py): the decision, the letters, the audit event and every
queued e-mail go together or not at all.
"""

from __future__ import annotations

from collections import Counter

from flask import url_for

from grants.audit import record
from grants.awards.errors import CommitteeNotReady, DecisionRefused
from grants.awards.queries.letters import build_letters, letter_stages
from grants.awards.queries.overview import load_call
from grants.awards.services.decisions import lock_call, release_withdrawn
from grants.committee.queries import waiting_for
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.letters import queries as letter_queries
from grants.letters import services as letter_services
from grants.models import ApplicationStage, Call, CallStatus, LetterKind
from grants.models.base import now_utc
from grants.rules.problems import N_
from grants.rules.transitions import UNDECIDED, InvalidTransition, check_call_transition
from grants.settings.queries import missing as missing_settings
from grants.status import move_call
from reports.letters import Letter


def _refuse_unless_decidable(call: Call) -> None:
    """Only a call in evaluation (or marked decided from the call page, not yet finalised) can be
    finalised."""
    if call.status is CallStatus.decided:
        return
    try:
        check_call_transition(call.status, CallStatus.decided)
    except InvalidTransition as error:
        raise DecisionRefused(
            N_("Call %(reference)s is '%(status)s': only a call in evaluation can be finalised."),
            reference=call.reference,
            status=error.old,
        ) from error


def finalise(call_id: int, user_id: int) -> letter_services.Delivery:
    """Lock the call's decisions, issue the decision letters and e-mail them; how the applicants
    were told."""
    call = lock_call(call_id)
    missing = missing_settings()
    if missing:
        raise DecisionRefused(
            N_(
                "The decision letters cannot be issued without these letter settings: "
                "%(names)s. Give them on the letter settings page first."
            ),
            names=", ".join(missing),
        )
    _refuse_unless_decidable(call)
    release_withdrawn(call, user_id)
    stages = letter_stages(load_call(call.id))
    undecided = [s.application.reference for s in stages if s.status in UNDECIDED]
    if undecided:
        raise DecisionRefused(
            N_(
                "These applications have no decision yet: %(references)s. Check, evaluate and "
                "rank them before finalising."
            ),
            references=", ".join(undecided),
        )
    committee = waiting_for(call.id)  # the ranking as the committee approved it (domain.md 4)
    if committee:
        raise CommitteeNotReady(issues=committee)
    call.finalised_at, call.finalised_by_id = now_utc(), user_id
    db.session.flush()
    delivery = send_letters(call, stages, user_id)
    after = {
        "finalised_at": call.finalised_at,
        "awarded_total": call.awarded_total,
        "counts": dict(Counter(s.status.value for s in stages)),
        "emails": delivery.emails,
        "letters": len(stages),
        "told_by_email": len(delivery.told),
        "to_send_by_post": [row.number for row in delivery.not_told],
    }
    if (
        call.status is CallStatus.decided
    ):  # marked decided from the call page: finalising does not move it
        record(
            "call.finalised",
            call,
            before={"status": call.status, "finalised_at": None},
            after={"status": call.status, **after},
            user_id=user_id,
        )
    else:
        move_call(
            call,
            CallStatus.decided,
            action="call.finalised",
            user_id=user_id,
            before={"finalised_at": None},
            after=after,
        )
    return delivery


def send_letters(
    call: Call, stages: list[ApplicationStage], user_id: int | None = None
) -> letter_services.Delivery:
    """Issue each stage's decision letter (numbered in reference order) and e-mail it to its lead's
    members."""
    letters = build_letters(call, stages, call.finalised_at)
    ordered = sorted(stages, key=lambda s: s.application.number)
    issued = letter_services.issue(
        call, LetterKind.decision, [(s, letters[s.id]) for s in ordered], user_id
    )
    members = letter_queries.lead_members(s.application.lead_id for s in stages)
    return letter_services.email(
        issued,
        members,
        _subject,
        "email/decision_letter.txt",
        link=url_for("awards.my_decisions", _external=True),
    )


def _subject(letter: Letter):
    return _l("Decision on your application %(reference)s", reference=letter.reference)
