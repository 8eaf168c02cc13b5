"""Evaluation grids, scores and the final score (docs/domain.md 4)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

__all__ = [
    "MAX_SCORE",
    "MIN_SCORE",
    "Criterion",
    "FinalScore",
    "Grid",
    "Section",
    "default_discrepancy_threshold",
    "display",
    "evaluation_total",
    "failed_thresholds",
    "final_scores",
    "passes",
    "section_scores",
]

MIN_SCORE = 1
MAX_SCORE = 5

Scores = Mapping[str, int]  # criterion code -> whole score 1..5


@dataclass(frozen=True)
class Criterion:
    code: str
    weight: int


@dataclass(frozen=True)
class Section:
    code: str
    threshold: Decimal | None
    criteria: Sequence[Criterion]

    @property
    def max_score(self) -> int:
        return MAX_SCORE * sum(c.weight for c in self.criteria)

    @property
    def min_score(self) -> int:
        return MIN_SCORE * sum(c.weight for c in self.criteria)


@dataclass(frozen=True)
class Grid:
    sections: Sequence[Section]
    pass_threshold: Decimal
    tie_break_section: str | None = None

    @property
    def max_total(self) -> int:
        return sum(s.max_score for s in self.sections)

    @cached_property
    def criterion_codes(self) -> frozenset[str]:
        return frozenset(c.code for s in self.sections for c in s.criteria)

    @property
    def min_total(self) -> int:
        return sum(s.min_score for s in self.sections)

    def section(self, code: str) -> Section:
        for section in self.sections:
            if section.code == code:
                return section
        raise KeyError(code)


@dataclass(frozen=True)
class FinalScore:
    """The result over an application's submitted evaluations.

    `total` is None (and `sections` empty) when `needs_extra_evaluator`: the spread exceeded the
    threshold and one more evaluation is required first. `used` holds the indices of the
    evaluations the finals are the mean of.
    """

    totals: tuple[Decimal, ...]
    total: Decimal | None
    sections: dict[str, Decimal] = field(default_factory=dict)
    used: tuple[int, ...] = ()
    needs_extra_evaluator: bool = False


def default_discrepancy_threshold(grid: Grid) -> Decimal:
    """20 % of the grid's maximum total."""
    return Decimal(grid.max_total) * Decimal("0.2")


def section_scores(grid: Grid, scores: Scores) -> dict[str, Decimal]:
    """Sum of score x weight per section; every criterion must have a whole score 1..5."""
    unknown = sorted(set(scores) - grid.criterion_codes)
    if unknown:
        raise ValueError(f"criterion {unknown[0]} is not in the grid")
    result: dict[str, Decimal] = {}
    for section in grid.sections:
        subtotal = 0
        for criterion in section.criteria:
            if criterion.code not in scores:
                raise ValueError(f"criterion {criterion.code} has no score")
            score = scores[criterion.code]
            if isinstance(score, bool) or not isinstance(score, int):
                raise ValueError(f"criterion {criterion.code}: score must be a whole number")
            if not MIN_SCORE <= score <= MAX_SCORE:
                raise ValueError(
                    f"criterion {criterion.code}: score {score} is not within"
                    f" {MIN_SCORE}..{MAX_SCORE}"
                )
            subtotal += score * criterion.weight
        result[section.code] = Decimal(subtotal)
    return result


def evaluation_total(grid: Grid, scores: Scores) -> Decimal:
    return sum(section_scores(grid, scores).values(), Decimal(0))


def final_scores(
    grid: Grid,
    evaluations: Sequence[Scores],
    discrepancy_threshold: Decimal,
    *,
    extra_evaluator: bool = False,
) -> FinalScore:
    """Final total and section scores per docs/domain.md 4.

    Call once every assigned evaluation is submitted. `extra_evaluator` says whether the one
    extra evaluator has already been assigned (and its evaluation is in `evaluations`):
    - False: spread (max - min of totals) > threshold -> needs_extra_evaluator, no final;
      otherwise the mean of all totals.
    - True: the mean of the two closest totals; if both pairs are equally close, of all three.
      With more than three totals (calls with 3+ evaluators) the closest adjacent pair in sorted
      order is used, and all of them if several pairs tie.
    Section finals are the mean over the same evaluations. Nothing is rounded.
    """
    if not evaluations:
        raise ValueError("no evaluations to score")
    per_evaluation = [section_scores(grid, scores) for scores in evaluations]
    totals = tuple(sum(s.values(), Decimal(0)) for s in per_evaluation)
    if extra_evaluator:
        if len(totals) < 3:
            raise ValueError(
                "an extra evaluator was assigned but fewer than three evaluations are given"
            )
        used = _closest_pair(totals)
    elif max(totals) - min(totals) > discrepancy_threshold:
        return FinalScore(totals=totals, total=None, needs_extra_evaluator=True)
    else:
        used = tuple(range(len(totals)))
    count = Decimal(len(used))
    sections = {
        section.code: sum((per_evaluation[i][section.code] for i in used), Decimal(0)) / count
        for section in grid.sections
    }
    total = sum((totals[i] for i in used), Decimal(0)) / count
    return FinalScore(totals=totals, total=total, sections=sections, used=used)


def _closest_pair(totals: Sequence[Decimal]) -> tuple[int, ...]:
    order = sorted(range(len(totals)), key=lambda i: totals[i])
    gaps = [totals[order[k + 1]] - totals[order[k]] for k in range(len(order) - 1)]
    smallest = min(gaps)
    if gaps.count(smallest) > 1:
        return tuple(range(len(totals)))
    k = gaps.index(smallest)
    return tuple(sorted((order[k], order[k + 1])))


def failed_thresholds(grid: Grid, final: FinalScore) -> list[str]:
    """Codes of the thresholds missed: 'total' and/or section codes. A final a bundle recorded
    without its sections (no evaluations) is judged on what it holds: its total."""
    if final.total is None:
        raise ValueError("no final score yet: an extra evaluation is needed")
    failed = ["total"] if final.total < grid.pass_threshold else []
    failed += [
        s.code
        for s in grid.sections
        if s.threshold is not None
        and s.code in final.sections
        and final.sections[s.code] < s.threshold
    ]
    return failed


def passes(grid: Grid, final: FinalScore) -> bool:
    """Total at least the pass threshold and every section at least its own threshold."""
    return not failed_thresholds(grid, final)


def display(value: Decimal) -> Decimal:
    """A score rounded to 2 places, half up, for showing only: str(display(x)) == '65.50'."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
