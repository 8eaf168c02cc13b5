"""The logical framework of an application (docs/domain.md 3): its expected results, each measured
by indicators with a unit, a baseline and a target. Pure functions over plain data, no Flask.

`logframe_gaps(results)` names every gap that keeps a logical framework from being complete: no
result, a result without an indicator, an indicator without its unit, baseline or target. A call
that requires a logical framework (`Call.logframe_required`) refuses a submission with a gap
(grants.rules.submission). Each gap is an `Issue` naming the field of the logical-framework page
(`results-0-indicators-1-unit`, as the page's form numbers its rows) and its 1-based numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .problems import N_, Issue


@dataclass(frozen=True)
class IndicatorFacts:
    description: str
    unit: str
    baseline: Decimal | None
    target: Decimal | None


@dataclass(frozen=True)
class ResultFacts:
    text: str
    indicators: tuple[IndicatorFacts, ...] = field(default_factory=tuple)


# what each indicator must have, and the sentence when it does not
INDICATOR_PARTS = {
    "unit": N_("Indicator %(indicator)s of result %(result)s has no unit."),
    "baseline": N_("Indicator %(indicator)s of result %(result)s has no baseline."),
    "target": N_("Indicator %(indicator)s of result %(result)s has no target."),
}


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def logframe_gaps(results: list[ResultFacts] | tuple[ResultFacts, ...]) -> list[Issue]:
    """Every gap of the logical framework, in the page's order; none when it is complete."""
    if not results:
        return [
            Issue(
                "results-0-text",
                N_(
                    "Add at least one expected result, with an indicator, to the logical framework."
                ),
            )
        ]
    issues = []
    for r, result in enumerate(results):
        if not result.indicators:
            issues.append(
                Issue(
                    f"results-{r}-indicators-0-description",
                    N_("Result %(result)s has no indicator: add at least one."),
                    {"result": r + 1},
                )
            )
        for i, indicator in enumerate(result.indicators):
            for name, message in INDICATOR_PARTS.items():
                if _missing(getattr(indicator, name)):
                    issues.append(
                        Issue(
                            f"results-{r}-indicators-{i}-{name}",
                            message,
                            {"result": r + 1, "indicator": i + 1},
                        )
                    )
    return issues


def is_complete(results: list[ResultFacts] | tuple[ResultFacts, ...]) -> bool:
    return not logframe_gaps(results)
