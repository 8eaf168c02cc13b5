"""Decision letters (PDF), one per application, from plain data.

The letter is rendered from templates/reports/decision_letter.html with a Jinja environment the
caller passes in: the application's own, whose gettext and `money`, `points` and `local_date`
filters follow the locale active while rendering (the caller chooses it, e.g. with
flask_babel.force_locale). This module imports no Flask and touches no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from jinja2 import Environment
from weasyprint import HTML

TEMPLATE = "reports/decision_letter.html"


@dataclass(frozen=True)
class SectionScore:
    code: str
    title: str  # in English; `title_tr` in Turkish (the letter shows its language's, else the other)
    score: Decimal  # the section's final score
    maximum: int
    threshold: Decimal | None
    title_tr: str = ""


@dataclass(frozen=True)
class MissedThreshold:
    section: str  # "" for the total
    title: str
    score: Decimal
    threshold: Decimal
    title_tr: str = ""


@dataclass(frozen=True)
class Letter:
    call_reference: str
    call_title: str
    currency: str
    timezone: str
    date: datetime
    reference: str
    title: str
    lead_name: str
    lead_country: str
    stage: str  # concept_note or full_application
    outcome: str  # the stage's status: awarded, reserve, not_selected, below_threshold, inadmissible...
    requested_grant: Decimal
    awarded_amount: Decimal | None = None
    total: Decimal | None = None  # the final score
    max_total: int | None = None
    pass_threshold: Decimal | None = None
    sections: tuple[SectionScore, ...] = ()
    missed: tuple[MissedThreshold, ...] = ()
    reserve_position: int | None = None  # place on the lot's reserve list
    inadmissible_reasons: tuple[str, ...] = ()

    @property
    def file_name(self) -> str:
        return f"{self.reference}-decision.pdf"


def render_letter(env: Environment, letter: Letter, lang: str = "en") -> str:
    """The letter as HTML (user text escaped by the environment's autoescape)."""
    return env.get_template(TEMPLATE).render(letter=letter, lang=lang)


def letter_pdf(env: Environment, letter: Letter, lang: str = "en") -> bytes:
    """A tagged PDF whose title and language are set."""
    return HTML(string=render_letter(env, letter, lang)).write_pdf(pdf_tags=True)
