"""The summary of a submitted application as a kept document (grants/documents.py).

A summary shows the last submitted version of the application (the receipt's data kept at
submission) and nothing that changes after it, so each submission's summary is rendered once per
language: by the job `prerender_summary` that a submission defers (with PRERENDER_DOCUMENTS; the
services call `defer_prerender`), or else by whatever asks for it first (the ZIP of application
PDFs, grants/exports/application_pdfs.py).

The data hashed and rendered is the receipt as JSON (reports.receipt.receipt_to_json) without the
stage's state now (withdrawn, reopened), which the summary does not show: a reopened application's
summary is its last submitted version's, the one kept before it was reopened.
"""

from __future__ import annotations

from dataclasses import replace

from flask import current_app
from flask_babel import force_locale

from grants import documents
from grants.extensions import db
from grants.jobs import defer
from grants.models import ApplicationStage
from grants.submission.queries import submitted_receipt
from reports.application_summary import STYLESHEET, TEMPLATE, summary_pdf
from reports.receipt import Receipt, receipt_from_json, receipt_to_json

KIND = "summary"
documents.register(
    KIND,
    templates=(TEMPLATE, STYLESHEET),
    modules=("reports.application_summary", "reports.receipt"),
)


def summary_data(receipt: Receipt) -> dict:
    """What the summary is rendered from, as JSON-safe data."""
    return receipt_to_json(replace(receipt, withdrawn=False, reopened_at=None))


def _render(data: dict, locale: str):
    def render() -> bytes:
        with force_locale(locale):
            return summary_pdf(current_app.jinja_env, receipt_from_json(data), locale)

    return render


def stored_summary(receipt: Receipt, locale: str) -> bytes:
    """The summary's PDF in `locale`: kept, or rendered and kept now."""
    data = summary_data(receipt)
    return documents.stored_pdf(KIND, data, locale, _render(data, locale))


def defer_prerender(stage: ApplicationStage) -> None:
    """After the commit, a job renders the stage's summary in every language, if
    PRERENDER_DOCUMENTS says so."""
    if current_app.config.get("PRERENDER_DOCUMENTS"):
        defer(prerender_summary, stage.id)


def prerender_summaries(stage_ids: list[int]) -> int:
    """rq task: `prerender_summary` of each stage (`flask calls prerender`)."""
    return sum(prerender_summary(stage_id) for stage_id in stage_ids)


def prerender_summary(stage_id: int) -> int:
    """rq task: keep the summary of the stage's last submitted version in every language the app
    offers; how many were rendered (none kept already)."""
    stage = db.session.get(ApplicationStage, stage_id)
    if stage is None or stage.submitted_at is None:
        return 0
    data = summary_data(submitted_receipt(stage.application, stage))
    return sum(
        documents.prerender(KIND, data, locale, _render(data, locale))
        for locale in current_app.config["LANGUAGES"]
    )
