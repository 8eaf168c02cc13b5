"""Every submitted application of a call as PDF files, in one ZIP archive.

Per application, under its reference: `summary.pdf` (the application as submitted, with its current
status) and, once the call's decisions are final, `decision-letter.pdf` (the letter the applicant
received, grants.awards.queries.letters). Applications are loaded in batches of a fixed number of
queries and each PDF goes into the archive on disk as soon as it is made, so memory stays flat
whatever the number of applications.
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

BATCH = 200  # applications loaded at a time


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
    letters = decision_letters(call, ids)
    shown = 0
    for done, application in enumerate(submitted(ids), start=1):
        folder = secure_filename(application.reference)
        archive.writestr(
            f"{folder}/summary.pdf",
            summary_pdf(current_app.jinja_env, summary(application), locale),
        )
        if application.id in letters:
            archive.writestr(
                f"{folder}/decision-letter.pdf", render_pdf(letters[application.id], locale)
            )
        if (percent := 100 * done // len(ids)) > shown:
            shown = percent
            progress(percent)


def decision_letters(call: Call, ids: list[int]) -> dict[int, Letter]:
    """Application id -> its decision letter, for the applications `ids`, once the call's decisions
    are final (none before)."""
    if call.finalised_at is None:
        return {}
    wanted = set(ids)
    issued = {  # as the applicants received them
        application_id: row
        for application_id, row in decision_letters_issued(call.id).items()
        if application_id in wanted
    }
    stages = [
        s
        for s in letter_stages(call)
        if s.application_id in wanted
        and s.status not in UNDECIDED
        and s.application_id not in issued
    ]
    letters = build_letters(
        call, stages, call.finalised_at
    )  # a call finalised before letters were kept
    return {s.application_id: letters[s.id] for s in stages} | {
        application_id: letter_of(row) for application_id, row in issued.items()
    }


def submitted(ids: list[int]) -> Iterator[Application]:
    """The applications, in the order of `ids`, with all that their summary shows, a batch at a
    time."""
    for start in range(0, len(ids), BATCH):
        yield from db.session.scalars(
            select(Application)
            .where(Application.id.in_(ids[start : start + BATCH]))
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
