"""The letters waiting to be sent by post, as one PDF to print (an export job: grants.exports.kinds;
the letters themselves come from grants.letters)."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from grants.exports.call_data import load_call
from grants.exports.kinds import ExportError
from grants.letters import queries as letter_queries
from grants.rules.problems import N_


def build(call_id: int, locale: str, progress: Callable[[int], None], path: Path) -> str:
    """Write every letter of the call e-mailed to nobody and not yet recorded as sent, in number
    order, one after the other (each starts on a new page); the file name offered to the user."""
    call = load_call(call_id)
    rows = letter_queries.to_post(call.id)
    if not rows:
        raise ExportError(
            N_("No letter of call %(reference)s is waiting to be sent by post."),
            reference=call.reference,
        )
    writer = PdfWriter()
    for done, row in enumerate(rows, start=1):
        writer.append(
            PdfReader(io.BytesIO(letter_queries.render_pdf(letter_queries.letter_of(row), locale)))
        )
        progress(100 * done // len(rows))
    with path.open("wb") as out:
        writer.write(out)
    return f"{call.reference}-letters-to-post-{locale}.pdf"
