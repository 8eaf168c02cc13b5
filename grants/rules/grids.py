"""Rules an evaluation grid must follow (docs/domain.md 4): pure functions over plain drafts, no
Flask.

Issues name WTForms fields (`sections-1-threshold`, `sections-0-criteria-2-weight`) as in
grants.rules.call_settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .call_settings import CENT
from .problems import N_, Issue

CODE_LENGTH = 16
TITLE_LENGTH = 200
WEIGHTS = range(1, 6)


@dataclass
class CriterionDraft:
    code: str
    title: str
    weight: int | None
    description: str = ""
    key: str = ""
    title_tr: str = ""
    description_tr: str = ""


@dataclass
class SectionDraft:
    code: str
    title: str
    threshold: Decimal | None
    criteria: list[CriterionDraft] = field(default_factory=list)
    key: str = ""
    title_tr: str = ""

    @property
    def max_score(self) -> int:
        return sum(5 * c.weight for c in self.criteria if c.weight in WEIGHTS)


@dataclass
class GridDraft:
    sections: list[SectionDraft]
    pass_threshold: Decimal | None
    tie_break_section: str

    @property
    def max_total(self) -> int:
        return sum(s.max_score for s in self.sections)


def _check_code_title(
    key: str, code: str, title: str, title_tr: str, seen: set[str]
) -> list[Issue]:
    """A unique code; a title in English, in Turkish or in both (each shown where the other is
    missing)."""
    issues = []
    if not code or len(code) > CODE_LENGTH:
        issues.append(
            Issue(
                f"{key}-code",
                N_("Enter a code of 1 to %(max)s characters, e.g. 2.1."),
                {"max": CODE_LENGTH},
            )
        )
    elif code in seen:
        issues.append(
            Issue(
                f"{key}-code",
                N_("The code %(code)s is used twice; codes must be unique."),
                {"code": code},
            )
        )
    seen.add(code)
    if not title and not title_tr:
        issues.append(Issue(f"{key}-title", N_("Enter a title in English, in Turkish or in both.")))
    for name, text in (("title", title), ("title_tr", title_tr)):
        if len(text) > TITLE_LENGTH:
            issues.append(
                Issue(
                    f"{key}-{name}",
                    N_("Enter a title of at most %(max)s characters."),
                    {"max": TITLE_LENGTH},
                )
            )
    return issues


def _points_problem(value: Decimal) -> bool:
    return value < 0 or value != value.quantize(CENT)


def check_section(section: SectionDraft, index: int, seen_criteria: set[str]) -> list[Issue]:
    key = section.key or f"sections-{index}"
    issues = []
    if not section.criteria:
        issues.append(
            Issue(
                f"{key}-title",
                N_("Section %(code)s has no criterion; add at least one."),
                {"code": section.code},
            )
        )
    for c_index, criterion in enumerate(section.criteria):
        c_key = criterion.key or f"{key}-criteria-{c_index}"
        issues += _check_code_title(
            c_key, criterion.code, criterion.title, criterion.title_tr, seen_criteria
        )
        if criterion.weight not in WEIGHTS:
            issues.append(
                Issue(
                    f"{c_key}-weight",
                    N_("The weight must be a whole number from 1 to 5 (usually 1 or 2)."),
                )
            )
    threshold = section.threshold
    if threshold is not None and _points_problem(threshold):
        issues.append(
            Issue(f"{key}-threshold", N_("Enter points of at least 0, with at most 2 decimals."))
        )
    elif threshold is not None and threshold > section.max_score:
        issues.append(
            Issue(
                f"{key}-threshold",
                N_(
                    "The threshold (%(threshold)s) is above the section's "
                    "maximum of %(max)s points."
                ),
                {"threshold": threshold, "max": section.max_score},
            )
        )
    return issues


def check_grid(grid: GridDraft) -> list[Issue]:
    """Sections and criteria complete and uniquely coded, thresholds within their maxima."""
    issues: list[Issue] = []
    if not grid.sections:
        issues.append(
            Issue("sections", N_("A grid needs at least one section with one criterion."))
        )
    seen_sections: set[str] = set()
    seen_criteria: set[str] = set()
    for index, section in enumerate(grid.sections):
        key = section.key or f"sections-{index}"
        issues += _check_code_title(
            key, section.code, section.title, section.title_tr, seen_sections
        )
        issues += check_section(section, index, seen_criteria)
    passing = grid.pass_threshold
    if passing is None:
        issues.append(Issue("pass_threshold", N_("Enter the pass threshold in points.")))
    elif _points_problem(passing):
        issues.append(
            Issue("pass_threshold", N_("Enter points of at least 0, with at most 2 decimals."))
        )
    elif passing > grid.max_total:
        issues.append(
            Issue(
                "pass_threshold",
                N_(
                    "The pass threshold (%(threshold)s) is above the grid's "
                    "maximum of %(max)s points."
                ),
                {"threshold": passing, "max": grid.max_total},
            )
        )
    if grid.tie_break_section not in {s.code for s in grid.sections}:
        issues.append(
            Issue("tie_break_section", N_("Choose one of the grid's sections for breaking ties."))
        )
    return issues
