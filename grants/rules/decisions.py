"""When staff may not decide: the refusals of the decisions after the ranking (docs/domain.md 5), as
pure functions over plain data. Each answers None (go ahead) or the `Issue` the use case raises as
its refusal; an issue's `field` names the form field it belongs to ("" for the form as a whole)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from .problems import N_, Amount, Issue, Moment
from .transitions import CallStatus, StageStatus

__all__ = ["BELOW_MINIMUM", "award_refusal", "invitation_refusal", "unchanged_refusal"]

BELOW_MINIMUM = (
    "below_minimum"  # the box staff tick to confirm an award below the call's minimum grant
)
FINAL = frozenset({CallStatus.decided, CallStatus.closed})


def invitation_refusal(
    reference: str,
    *,
    restricted: bool,
    status: CallStatus,
    finalised: bool,
    deadline: datetime,
    zone: str,
    at: datetime,
) -> Issue | None:
    """Why nobody of the call can be invited to submit a full application at `at`, or None: only a
    restricted call invites, not once its decisions are final, and not from its (full-application)
    deadline on."""
    if not restricted:
        return Issue(
            "",
            N_(
                "Call %(reference)s has no concept notes: only the leads of a restricted call are "
                "invited to submit a full application."
            ),
            {"reference": reference},
        )
    if finalised or status in FINAL:
        return Issue(
            "",
            N_(
                "The decisions of call %(reference)s are final: nobody can be invited to submit a "
                "full application any more."
            ),
            {"reference": reference},
        )
    if at >= deadline:
        return Issue(
            "",
            N_(
                "The full-application deadline (%(deadline)s) has passed: nobody can be invited to "
                "submit a full application any more."
            ),
            {"deadline": Moment(deadline, zone)},
        )
    return None


def award_refusal(
    amount: Decimal, requested: Decimal, minimum: Decimal, currency: str, *, below_minimum: bool
) -> Issue | None:
    """Why staff may not award `amount`, or None: more than zero and at most the requested grant;
    below the call's minimum grant only when staff confirmed it (`below_minimum`, the issue's field
    otherwise)."""
    if not Decimal(0) < amount <= requested:
        return Issue(
            "",
            N_("Award an amount more than zero and at most the requested grant of %(requested)s."),
            {"requested": Amount(requested, currency)},
        )
    if amount < minimum and not below_minimum:
        return Issue(
            BELOW_MINIMUM,
            N_(
                "Tick this box to award %(amount)s, less than the call's minimum grant of "
                "%(minimum)s, or award at least the minimum."
            ),
            {"amount": Amount(amount, currency), "minimum": Amount(minimum, currency)},
        )
    return None


def unchanged_refusal(
    reference: str,
    before: tuple[StageStatus, Decimal | None],
    after: tuple[StageStatus, Decimal | None],
) -> Issue | None:
    """A decision (status, awarded amount) the application has already is refused: an override
    changes something."""
    if after[0] is before[0] and after[1] == before[1]:
        return Issue(
            "",
            N_("%(reference)s already has this decision: nothing changes."),
            {"reference": reference},
        )
    return None
