"""Ranking and award decisions (docs/domain.md 4 final score, 5 ranking and award)."""
from grants.awards.errors import BudgetRefused, DecisionRefused, RankingError
from grants.awards.services.ranking import LotRanking, Ranking, Row, rank_call

__all__ = ["BudgetRefused", "DecisionRefused", "LotRanking", "Ranking", "RankingError", "Row", "rank_call"]
