"""The summary of a submitted application (PDF), from plain data.

What the applicant submitted last: the receipt's data (reference, call, lot, partnership, project
with all its text, budget and attachments; reports.receipt), kept at submission. Rendered from
templates/reports/application_summary.html with the Jinja environment the caller passes in (the
application's own, whose gettext and filters follow the locale chosen with
flask_babel.force_locale). This module imports no Flask and touches no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from jinja2 import Environment
from weasyprint import HTML

from reports.fonts import font_config
from reports.receipt import Receipt

TEMPLATE = "reports/application_summary.html"


@dataclass(frozen=True)
class ApplicationSummary:
    receipt: Receipt
    status: str  # the stage's status now


def render_summary(env: Environment, summary: ApplicationSummary, lang: str = "en") -> str:
    """The summary as HTML (user text escaped by the environment's autoescape)."""
    return env.get_template(TEMPLATE).render(s=summary, r=summary.receipt, lang=lang)


def summary_pdf(env: Environment, summary: ApplicationSummary, lang: str = "en") -> bytes:
    """A tagged PDF whose title and language are set."""
    return HTML(string=render_summary(env, summary, lang)).write_pdf(
        pdf_tags=True, font_config=font_config()
    )
