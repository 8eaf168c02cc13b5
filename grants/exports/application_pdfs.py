"""Every submitted application of a call as PDF files, in one ZIP archive.

Per application, under its reference: `summary.pdf` (the application as submitted, with its current
status) and, once the call's decisions are final, `decision-letter.pdf` (the letter the applicant
received, grants.awards.queries.letters). Applications and their letters are loaded in batches, a
fixed number of queries each (about the batch's applications only, never the whole call: each part
of the shared export, grants/exports/parts.py, is one batch), and each PDF goes into the
archive on disk as soon as it is made, so memory stays flat whatever the number of applications.
The PDFs are stored in the archive, not deflated again: their streams are compressed already
(deflating them saved 3 % of the size for half a millisecond of CPU each, and the parts'
assembly inflated and deflated them all again).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.utils import secure_filename

from grants.awards.queries.letters import build_letters, letter_stages
from grants.exports.call_data import application_ids, load_call
from grants.extensions import db
from grants.letters.queries import decision_letters as decision_letters_issued
from grants.letters.queries import letter_of, render_pdf
from grants.models import Application, Call, LogframeResult, Partner
from grants.rules.transitions import UNDECIDED
from grants.submission.queries import receipt_for, stage_of
from reports.application_summary import ApplicationSummary, summary_pdf
from reports.letters import Letter

BATCH = 250  # applications loaded at a time (a part of the shared export: one batch)


def build(call_id: int, locale: str, progress: Callable[[int], None], path: Path) -> str:
    """Write the whole ZIP at `path` in this process; the file name offered to the user. (The export
    job makes it in parts that several workers share: grants/exports/parts.py.)"""
    call = load_call(call_id)
    ids = application_ids(call.id)
    with force_locale(locale), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        write_entries(archive, call, ids, locale, progress)
    return file_name(call, locale)


def file_name(call: Call, locale: str) -> str:
    return f"{call.reference}-application-pdfs-{locale}.zip"


def write_part(call_id: int, ids: list[int], locale: str, path: Path) -> None:
    """A ZIP at `path` of the entries of the applications `ids` (a part of the whole)."""
    call = load_call(call_id)
    with force_locale(locale), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        write_entries(archive, call, ids, locale, lambda percent: None)


def write_entries(
    archive: zipfile.ZipFile,
    call: Call,
    ids: list[int],
    locale: str,
    progress: Callable[[int], None],
) -> None:
    """Each application's PDFs into `archive`, in the order of `ids`."""
    shown, done = 0, 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        letters = decision_letters(call, batch)
        for application in submitted(batch):
            folder = secure_filename(application.reference)
            pdf = summary_pdf(current_app.jinja_env, summary(application), locale)
            archive.writestr(f"{folder}/summary.pdf", pdf, compress_type=zipfile.ZIP_STORED)
            if application.id in letters:
                pdf = render_pdf(letters[application.id], locale)
                archive.writestr(
                    f"{folder}/decision-letter.pdf", pdf, compress_type=zipfile.ZIP_STORED
                )
            done += 1
            if (percent := 100 * done // len(ids)) > shown:
                shown = percent
                progress(percent)


def decision_letters(call: Call, ids: list[int]) -> dict[int, Letter]:
    """Application id -> its decision letter, for the applications `ids`, once the call's decisions
    are final (none before)."""
    if call.finalised_at is None:
        return {}
    issued = decision_letters_issued(call.id, ids)  # as the applicants received them
    stages = [
        s
        for s in letter_stages(call, among=[i for i in ids if i not in issued])
        if s.status not in UNDECIDED
    ]
    # a call finalised before letters were kept
    letters = build_letters(call, stages, call.finalised_at) if stages else {}
    return {s.application_id: letters[s.id] for s in stages} | {
        application_id: letter_of(row) for application_id, row in issued.items()
    }


def submitted(ids: list[int]) -> Iterator[Application]:
    """The applications, in the order of `ids` (a batch), with all that their summary shows."""
    yield from db.session.scalars(
        select(Application)
        .where(Application.id.in_(ids))
        .order_by(Application.number)
        .options(
            joinedload(Application.lead),
            joinedload(Application.lot),
            selectinload(Application.partners).joinedload(Partner.organisation),
            selectinload(Application.budget_lines),
            selectinload(Application.attachments),
            selectinload(Application.stages),
            selectinload(Application.results).selectinload(LogframeResult.indicators),
        )
    ).all()


def summary(application: Application) -> ApplicationSummary:
    return ApplicationSummary(receipt_for(application), stage_of(application).status.value)
