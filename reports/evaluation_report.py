"""The evaluation report of a call (PDF), from plain data.

Rendered from templates/reports/evaluation_report.html with the Jinja environment the caller
passes in: the application's own, whose gettext and filters (`money`, `points`, `local_time`,
`local_date`, `outcome`, `stage_label`, `country_name`) follow the locale active while rendering
(the caller chooses it with flask_babel.force_locale). The print styles (running headers, page
numbers, table of contents) are in evaluation_report.css next to the template. This module imports
no Flask and touches no database.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from pathlib import Path

from jinja2 import Environment
from weasyprint import CSS, HTML

from grants.rules import transitions
from reports import pdf_pages
from reports.charts import Tally, bar_chart
from reports.letters import MissedThreshold

TEMPLATE = "reports/evaluation_report.html"
STYLES = Path(__file__).resolve().parent.parent / "templates" / "reports" / "evaluation_report.css"

# the report receives statuses as their values
DECIDED = {status.value for status in transitions.DECIDED}
EVALUATED = {status.value for status in transitions.SCORED}
ADMISSIBLE = {status.value for status in transitions.IN_EVALUATION}
PENDING = {status.value for status in transitions.UNDECIDED}  # no decision yet
OUTCOMES = {
    "concept_note": ("shortlisted", "not_shortlisted"),
    "full_application": ("awarded", "reserve", "not_selected"),
}
NOT_FUNDED = tuple(status.value for status in transitions.NOT_FUNDED)


@dataclass(frozen=True)
class Member:
    """An evaluator of the call's pool."""

    name: str
    organisation: str
    signed_at: datetime | None  # the call's declaration of impartiality and confidentiality
    no_conflict: int = 0  # applications they declared no conflict of interest with
    conflicts: int = 0  # ... and a conflict


@dataclass(frozen=True)
class Seat:
    """A member of the evaluation committee (domain.md 4): role chair, secretary, voting or
    observer; approval "valid", "void" (of an earlier ranking), "void_committee" (given before the
    voting composition changed), "missing" or "not_needed"."""

    name: str
    role: str
    signed_at: datetime | None
    approval: str
    approved_at: datetime | None


@dataclass(frozen=True)
class Minutes:
    """The minutes of one meeting of the committee."""

    meeting_date: date
    attendees: tuple[str, ...]
    decisions: str
    recorded_by: str


@dataclass(frozen=True)
class Override:
    """A decision staff changed by hand, with the written justification."""

    stage: str
    reference: str
    from_status: str
    from_amount: Decimal | None
    to_status: str
    to_amount: Decimal | None
    justification: str
    by: str
    at: datetime
    discarded_at: datetime | None  # a later ranking discarded it: it no longer stands


@dataclass(frozen=True)
class Declaration:
    """An evaluator's declaration of conflict of interest on one application."""

    reference: str
    stage: str
    evaluator: str
    conflict: bool
    declared_at: datetime | None  # None: not known (a call imported from a version-1 bundle)
    reason: str | None  # what the conflict is


@dataclass(frozen=True)
class LotFigure:
    code: str
    name: str
    budget: Decimal


@dataclass(frozen=True)
class Timeline:
    opens_at: datetime
    concept_note_deadline: datetime | None
    deadline: datetime
    evaluation_due_at: datetime | None
    finalised_at: datetime | None


@dataclass(frozen=True)
class Row:
    """One application in a list of the report."""

    stage: str  # concept_note or full_application
    reference: str
    lead: str
    country: str
    outcome: str  # the stage's status
    requested: Decimal
    rank: int | None = None
    total: Decimal | None = None  # the final score
    sections: tuple[Decimal | None, ...] = ()  # the sections' final scores, in the grid's order
    awarded: Decimal | None = None
    missed: tuple[MissedThreshold, ...] = ()  # below threshold: what it missed
    reasons: tuple[str, ...] = ()  # inadmissible: the staff's reasons; withdrawn: the applicant's
    changed: str | None = (
        None  # the justification of the override its decision stands on, if staff changed it
    )


@dataclass(frozen=True)
class LotTable:
    """The ranking of one stage in one lot (the whole call when it has no lots)."""

    stage: str
    lot: str  # "LOT1 – Culture", or "" for the whole call
    budget: Decimal
    awarded_total: Decimal  # what the lot has committed
    sections: tuple[tuple[str, str], ...]  # (code, title) of the grid's sections
    ranked: tuple[Row, ...]

    @property
    def awards(self) -> list[Row]:
        return [r for r in self.ranked if r.outcome == "awarded"]

    @property
    def awarded_sum(self) -> Decimal:
        return sum((r.awarded or Decimal("0.00") for r in self.awards), Decimal("0.00"))

    @property
    def reserve(self) -> list[Row]:
        return [r for r in self.ranked if r.outcome == "reserve"]


@dataclass(frozen=True)
class EvaluationReport:
    reference: str
    title: str
    currency: str
    timezone: str
    date: datetime  # when the report was made
    figures: tuple[
        tuple[str, str], ...
    ]  # (label, value) of the call's settings, in the reader's language
    lots: tuple[LotFigure, ...]
    timeline: Timeline
    committee: tuple[Member, ...]
    counts: dict[str, dict[str, int]]  # stage -> count name -> applications (see stage_counts)
    tables: tuple[LotTable, ...]
    not_funded: tuple[Row, ...]
    charts: dict[str, list[Tally]] = field(
        default_factory=dict
    )  # "lot", "country", "region" -> tallies
    overrides: tuple[Override, ...] = ()  # oldest first, the discarded ones too
    declarations: tuple[Declaration, ...] = ()  # per application, in the order they were made
    seats: tuple[Seat, ...] = ()  # the evaluation committee: chair, secretary, voting, observers
    minutes: tuple[Minutes, ...] = ()  # its meetings, oldest first

    @property
    def conflicts(self) -> list[Declaration]:
        return [d for d in self.declarations if d.conflict]

    @property
    def no_conflicts(self) -> list[Declaration]:
        return [d for d in self.declarations if not d.conflict]

    @property
    def not_funded_groups(self) -> list[tuple[str, str, list[Row]]]:
        """(stage, outcome, rows) in the order of not_funded (see not_funded_order)."""
        return [
            (stage, outcome, list(rows))
            for (stage, outcome), rows in groupby(
                self.not_funded, key=lambda r: (r.stage, r.outcome)
            )
        ]

    @property
    def stages(self) -> list[str]:
        return list(self.counts)

    @property
    def count_names(self) -> list[str]:
        """The rows of the counts table: every count that one of the stages has."""
        names = [
            "submitted",
            "admissible",
            "inadmissible",
            "evaluated",
            "below_threshold",
            *(
                n
                for s in ("concept_note", "full_application")
                if s in self.counts
                for n in OUTCOMES[s]
            ),
            "withdrawn",
        ]
        return names + (["pending"] if any(c["pending"] for c in self.counts.values()) else [])


def stage_counts(stage: str, statuses: Iterable[str]) -> dict[str, int]:
    """How many submitted applications of one stage reached each step, from their statuses."""
    found = Counter(statuses)

    def among(group: Iterable[str]) -> int:
        return sum(found[s] for s in group)

    return {
        "submitted": found.total(),
        "admissible": among(ADMISSIBLE),
        "inadmissible": found["inadmissible"],
        "evaluated": among(EVALUATED),
        "below_threshold": found["below_threshold"],
        **{s: found[s] for s in OUTCOMES[stage]},
        "withdrawn": found["withdrawn"],
        "pending": among(PENDING),
    }


def not_funded_order(row: Row) -> tuple[str, int]:
    """Rejected applications grouped by stage and outcome, in NOT_FUNDED order (a stable sort keeps
    each group in the order given: rank, then number)."""
    return row.stage, NOT_FUNDED.index(row.outcome)


def render_report(env: Environment, report: EvaluationReport, lang: str = "en") -> str:
    """The report as HTML (user text escaped by the environment's autoescape)."""
    return env.get_template(TEMPLATE).render(report=report, lang=lang, bar_chart=bar_chart)


def css_string(text: str) -> str:
    """`text` as a quoted CSS string (for `content`): quotes, backslashes and line breaks
    escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ").replace("\r", "")
    return f'"{escaped}"'


def mark_style(mark: str) -> CSS:
    """`mark` (e.g. "DRAFT — not final") at the top of every page, the cover and landscape pages
    too."""
    return CSS(
        string="@page { @top-center { content: %s; color: #b00020; font-weight: bold; font-size: "
        "9pt;"
        " letter-spacing: 0.4pt; } } @page :first { @top-center { font-size: 16pt; } }"
        % css_string(mark)
    )


def write_report(
    env: Environment,
    report: EvaluationReport,
    path: Path,
    lang: str = "en",
    laid_out: Callable[[], None] = lambda: None,
    mark: str | None = None,
) -> None:
    """Write the report at `path` as a tagged PDF whose title and language are set; `laid_out` is
    called between the layout (the long part) and the writing. `mark`: a text in the top margin of
    every page (a report made before the decisions are final says it is a draft)."""
    styles = [CSS(filename=STYLES), *([mark_style(mark)] if mark else [])]
    html = render_report(env, report, lang)
    with without_cyclic_gc():
        document = HTML(string=html).render(stylesheets=styles)
    gc.collect()  # the cycles the layout left (its discarded attempts), before writing
    laid_out()
    pdf_pages.install()  # tagging no longer reads every page's reference per element
    with without_cyclic_gc():
        document.write_pdf(path, pdf_tags=True)


@contextmanager
def without_cyclic_gc() -> Iterator[None]:
    """Python's cyclic garbage collector paused. WeasyPrint allocates millions of long-lived
    objects (boxes, styles) while laying out a long report, and each full collection walks all of
    them: at 10,000 applications about a third of the layout's time went to collections that
    found little to free. Reference counting still frees what is not in a cycle; the caller
    collects the cycles when the pause ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
