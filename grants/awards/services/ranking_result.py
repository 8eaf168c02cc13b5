"""What a ranking run reports (grants.awards.services.ranking): its rows per lot and stage, the
stages it could not rank and why, and the summary its audit event keeps."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from grants.models import Call, Stage, StageStatus

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Row:
    rank: int | None
    reference: str
    final_score: Decimal
    requested_grant: Decimal
    cumulative_awarded: (
        Decimal | None
    )  # running sum of the awards down the ranking (None for concept notes)
    status: StageStatus
    awarded_amount: Decimal | None


@dataclass(frozen=True)
class LotRanking:
    stage: Stage
    lot: (
        str | None
    )  # the lot's code; None for a call without lots (one lot holding the whole budget)
    name: str
    budget: Decimal
    rows: list[Row]

    @property
    def awarded_total(self) -> Decimal:
        return sum((r.awarded_amount for r in self.rows if r.awarded_amount is not None), ZERO)


@dataclass
class Ranking:
    reference: str
    lots: list[LotRanking] = field(default_factory=list)
    below_threshold: list[str] = field(default_factory=list)
    needs_extra_evaluator: list[str] = field(default_factory=list)
    missing_evaluations: list[str] = field(default_factory=list)


def ranking_summary(call: Call, ranking: Ranking) -> dict:
    """What the run's audit event keeps of the ranking."""
    counts = Counter(row.status.value for lot in ranking.lots for row in lot.rows)
    return {
        "counts": dict(counts),
        "awarded_total": call.awarded_total,
        "lots": {
            lot.lot or "": lot.awarded_total
            for lot in ranking.lots
            if lot.stage is Stage.full_application
        },
        "below_threshold": len(ranking.below_threshold),
        "needs_extra_evaluator": ranking.needs_extra_evaluator,
        "missing_evaluations": ranking.missing_evaluations,
    }
