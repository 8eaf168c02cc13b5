"""The summary of a submitted application (PDF), from plain data.

What the applicant submitted last: the receipt's data (reference, call, lot, partnership, project
with all its text, budget and attachments; reports.receipt), kept at submission, and nothing that
changes after it (not the application's status: the ZIP of application PDFs lists the statuses in
its index), so that a submission's summary is rendered once and kept (grants.submission.documents).
Rendered from templates/reports/application_summary.html with the Jinja environment the caller
passes in (the application's own, whose gettext and filters follow the locale chosen with
flask_babel.force_locale). This module imports no Flask and touches no database.

The stylesheet, templates/reports/application_summary.css, is not in the HTML: it is parsed once
per thread and Jinja environment and handed to WeasyPrint beside each summary (a ZIP of 10,000
summaries parsed it 10,000 times; a summary costs about an eighth less CPU without it). WeasyPrint
counts it as the user's stylesheet, not the author's: the summary has no other, so every rule
applies as before.
"""

from __future__ import annotations

import threading
import weakref

from jinja2 import Environment
from weasyprint import CSS, HTML

from reports.fonts import font_config
from reports.receipt import Receipt

TEMPLATE = "reports/application_summary.html"
STYLESHEET = "reports/application_summary.css"
_local = threading.local()


def render_summary(env: Environment, receipt: Receipt, lang: str = "en") -> str:
    """The summary as HTML (user text escaped by the environment's autoescape)."""
    return env.get_template(TEMPLATE).render(r=receipt, lang=lang)


def summary_pdf(env: Environment, receipt: Receipt, lang: str = "en") -> bytes:
    """A tagged PDF whose title and language are set."""
    return HTML(string=render_summary(env, receipt, lang)).write_pdf(
        pdf_tags=True, font_config=font_config(), stylesheets=[stylesheet(env)]
    )


def stylesheet(env: Environment) -> CSS:
    """The summary's stylesheet, parsed: once per thread (with its font configuration) and
    environment."""
    parsed = getattr(_local, "parsed", None)
    if parsed is None:
        parsed = _local.parsed = weakref.WeakKeyDictionary()
    if env not in parsed:
        source = env.get_template(STYLESHEET).render()
        parsed[env] = CSS(string=source, font_config=font_config())
    return parsed[env]
