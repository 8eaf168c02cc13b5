"""Loaders of the award pages: the object asked for, or 404 as if it did not exist
(grants/access.py)."""

from __future__ import annotations

from grants.access import load_or_404
from grants.awards.queries.decisions import decision_stage, shortlist_stage
from grants.awards.queries.letters import applicant_letter
from grants.awards.queries.overview import load_call
from grants.models import ApplicationStage, Call, Lot, Procedure, User
from reports.letters import Letter


def call_or_404(call_id: int, criteria: bool = True) -> Call:
    return load_or_404(load_call(call_id, criteria))


def restricted_call_or_404(call_id: int) -> Call:
    """A restricted call (concept notes first): the only kind with a shortlist and invitations."""
    return load_or_404(load_call(call_id), lambda call: call.procedure is Procedure.restricted)


def lot_or_404(call: Call, lot_id: int | None) -> Lot | None:
    """One of the call's lots (None for a call without lots)."""
    if not call.lots:
        return None
    return load_or_404(next((lot for lot in call.lots if lot.id == lot_id), None))


def decision_stage_or_404(call: Call, stage_id: int) -> ApplicationStage:
    """A full application of the call with an award decision."""
    return load_or_404(decision_stage(call.id, stage_id))


def shortlist_stage_or_404(call: Call, stage_id: int) -> ApplicationStage:
    """A concept note of the call with a shortlist decision."""
    return load_or_404(shortlist_stage(call.id, stage_id))


def decision_letter_or_404(user: User, application_id: int) -> Letter:
    """The final decision letter of an application, for a member of its lead organisation."""
    return load_or_404(applicant_letter(user, application_id))
