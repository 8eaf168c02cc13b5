"""Every submitted application of a call as PDF files, in one ZIP archive, with an index.

Per application, under its reference: `summary.pdf` (the application as last submitted, without
its status, which changes: grants/submission/documents.py) and, once the call's decisions are
final, `decision-letter.pdf` (the letter the applicant received, grants.awards.queries.letters).
At the root, `index.csv` (UTF-8 with a byte-order mark, for Excel; the header in the archive's
language): one row per application with its reference, title, lead applicant and lot as
submitted, its status now (the label the pages show) and the files it has in the archive.

The PDFs are not rendered here but copied from the documents space (grants/documents.py): a
summary is kept once per submission and language, a letter once per letter and language, usually
by a background job when it stopped changing (PRERENDER_DOCUMENTS); one not kept yet is rendered
and kept now, so the archive is the same whether or not the jobs ran.

Applications and their letters are loaded in batches, a fixed number of queries each (about the
batch's applications only, never the whole call: each part of the shared export,
grants/exports/parts.py, is one batch), and each PDF goes into the archive on disk as soon as it is
read, so memory stays flat whatever the number of applications. A part holds its applications'
rows of the index (`index.csv`, no header), which the assembly puts together
(`write_index`). The PDFs are stored in the archive, not deflated again: their streams are
compressed already.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from werkzeug.utils import secure_filename

from grants.awards.queries.letters import build_letters, letter_stages
from grants.exports.call_data import application_ids, load_call
from grants.extensions import db
from grants.labels import application_status
from grants.letters.documents import stored_letter
from grants.letters.queries import decision_letters as decision_letters_issued
from grants.letters.queries import letter_of
from grants.models import Application, Call, LogframeResult, Partner
from grants.rules.transitions import UNDECIDED
from grants.submission.documents import stored_summary
from grants.submission.queries import receipt_for, stage_of
from reports.giving360 import csv_cell
from reports.letters import Letter

BATCH = 250  # applications loaded at a time (a part of the shared export: one batch)
INDEX = "index.csv"
SUMMARY, LETTER = "summary.pdf", "decision-letter.pdf"


def build(call_id: int, locale: str, progress: Callable[[int], None], path: Path) -> str:
    """Write the whole ZIP at `path` in this process; the file name offered to the user. (The export
    job makes it in parts that several workers share: grants/exports/parts.py.)"""
    call = load_call(call_id)
    ids = application_ids(call.id)
    with force_locale(locale), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        rows = write_entries(archive, call, ids, locale, progress)
        write_index(archive, [rows], locale)
    return file_name(call, locale)


def file_name(call: Call, locale: str) -> str:
    return f"{call.reference}-application-pdfs-{locale}.zip"


def write_part(call_id: int, ids: list[int], locale: str, path: Path) -> None:
    """A ZIP at `path` of the entries of the applications `ids` (a part of the whole), with their
    rows of the index (`index.csv`, no header)."""
    call = load_call(call_id)
    with force_locale(locale), zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        rows = write_entries(archive, call, ids, locale, lambda percent: None)
        archive.writestr(INDEX, rows)


def write_entries(
    archive: zipfile.ZipFile,
    call: Call,
    ids: list[int],
    locale: str,
    progress: Callable[[int], None],
) -> str:
    """Each application's PDFs into `archive`, in the order of `ids`; their rows of the index (CSV
    text, no header)."""
    shown, done = 0, 0
    out = io.StringIO()
    index = csv.writer(out, lineterminator="\r\n")
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        letters = decision_letters(call, batch)
        for application in submitted(batch):
            folder = secure_filename(application.reference)
            receipt = receipt_for(application)
            pdfs = {SUMMARY: stored_summary(receipt, locale)}
            if application.id in letters:
                pdfs[LETTER] = stored_letter(letters[application.id], locale)
            for name, pdf in pdfs.items():
                archive.writestr(f"{folder}/{name}", pdf, compress_type=zipfile.ZIP_STORED)
            status = application_status(stage_of(application).status.value)
            names = "; ".join(f"{folder}/{name}" for name in pdfs)
            row = (receipt.reference, receipt.title, receipt.lead.name, receipt.lot, status, names)
            index.writerow([csv_cell(value) for value in row])
            done += 1
            if (percent := 100 * done // len(ids)) > shown:
                shown = percent
                progress(percent)
    return out.getvalue()


def index_header(locale: str) -> list[str]:
    with force_locale(locale):
        return [
            _("Reference"),
            _("Title"),
            _("Lead applicant"),
            _("Lot"),
            _("Status"),
            _("Files"),
        ]


def write_index(archive: zipfile.ZipFile, rows: Iterable[str | bytes], locale: str) -> None:
    """`index.csv` into `archive`: the byte-order mark, the header in `locale`, then the rows (CSV
    text of `write_entries`, part after part)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(index_header(locale))
    with archive.open(INDEX, "w") as target:
        target.write(("\ufeff" + out.getvalue()).encode())
        for text in rows:
            target.write(text if isinstance(text, bytes) else text.encode())


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
