"""Typed refusals of the ranking and award decisions, each with a message marked for translation."""
from __future__ import annotations


class RankingError(Exception):
    """A refusal to rank: `message` (marked for translation) with its %(name)s `params`."""

    def __init__(self, message: str, **params: object) -> None:
        self.message, self.params = message, params
        super().__init__(message % params if params else message)


class DecisionRefused(RankingError):
    """A refused override, promotion or finalisation (e.g. the call's decisions are final)."""


class BelowMinimumGrant(DecisionRefused):
    """An award below the call's minimum grant that staff did not confirm; `field` is the confirmation box."""

    field = "below_minimum"


class BudgetRefused(DecisionRefused):
    """An award the database refused: above the lot's remaining budget or the call's maximum grant."""
