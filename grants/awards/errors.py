"""Typed refusals of the ranking and award decisions: each a `Refused` (grants.rules.problems) with
a message marked for translation and its %(name)s params, shown by the request boundary
(grants/unit_of_work.py)."""

from __future__ import annotations

from grants.rules.problems import Refused


class RankingError(Refused):
    """A refusal to rank, or of any decision of the call."""


class DecisionRefused(RankingError):
    """A refused override, promotion or finalisation (e.g. the call's decisions are final)."""


class BelowMinimumGrant(DecisionRefused):
    """An award below the call's minimum grant that staff did not confirm; `field` is the
    confirmation box."""

    field = "below_minimum"


class BudgetRefused(DecisionRefused):
    """An award the database refused: above the lot's remaining budget or the call's maximum
    grant."""


class CommitteeNotReady(DecisionRefused):
    """Finalisation refused until the evaluation committee is complete, every member signed the
    declaration and the chair and every voting member approved the ranking as it stands
    (grants.rules.committee.finalisation_issues: each issue names who is missing)."""
