"""Ranking and award decisions (docs/domain.md 4 final score, 5 ranking and award).

Importing the package connects its receiver of grants.signals.stage_withdrawn
(decisions.release_on_withdrawal).
"""

from grants.awards.errors import BudgetRefused, DecisionRefused, RankingError
from grants.awards.services import decisions as _decisions  # noqa: F401  (connects its receiver)
from grants.awards.services.ranking import rank_call
from grants.awards.services.ranking_result import LotRanking, Ranking, Row

__all__ = [
    "BudgetRefused",
    "DecisionRefused",
    "LotRanking",
    "Ranking",
    "RankingError",
    "Row",
    "rank_call",
]
