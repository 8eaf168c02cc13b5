"""Ranking and award decisions (domain.md 4 final score, 5 ranking and award)."""
from grants.awards.services import LotRanking, Ranking, RankingError, Row, rank_call

__all__ = ["LotRanking", "Ranking", "RankingError", "Row", "rank_call"]
