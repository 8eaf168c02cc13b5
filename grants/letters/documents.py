"""An issued letter as a kept document (grants/documents.py).

A letter says what it said when it was issued (the register keeps its content), so it is rendered
once per language: by the job `prerender_letters` that issuing defers (with PRERENDER_DOCUMENTS),
by its e-mails (in each member's language), or by whatever asks for it first (the ZIP of
application PDFs). The data hashed and rendered is the letter as JSON (reports.letters
.letter_to_json); the letterhead's logo is named there by its stored name, which a new logo
changes.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from grants import documents
from grants.extensions import db
from grants.jobs import defer
from grants.letters.queries import letter_of, render_pdf
from grants.models import IssuedLetter
from reports.letters import TEMPLATES, Letter, letter_from_json, letter_to_json

KIND = "letter"
BATCH = 50  # letters per job: about 12 s of one worker in two languages
documents.register(KIND, templates=TEMPLATES.values(), modules=("reports.letters",))


def _render(data: dict, locale: str):
    return lambda: render_pdf(letter_from_json(data), locale)


def stored_letter(letter: Letter, locale: str) -> bytes:
    """The letter's PDF in `locale`: kept, or rendered and kept now."""
    data = letter_to_json(letter)
    return documents.stored_pdf(KIND, data, locale, _render(data, locale))


def defer_prerender(rows: list[IssuedLetter]) -> None:
    """After the commit, jobs render the letters in every language, if PRERENDER_DOCUMENTS says
    so (the rows flushed: they have their ids)."""
    if not current_app.config.get("PRERENDER_DOCUMENTS"):
        return
    ids = [row.id for row in rows]
    for start in range(0, len(ids), BATCH):
        defer(prerender_letters, ids[start : start + BATCH])


def prerender_letters(letter_ids: list[int]) -> int:
    """rq task: keep the issued letters in every language the app offers; how many were rendered
    (none kept already)."""
    rows = db.session.scalars(select(IssuedLetter).where(IssuedLetter.id.in_(letter_ids)))
    return sum(prerender_letter(letter_of(row)) for row in rows)


def prerender_letter(letter: Letter) -> int:
    """Keep the letter in every language the app offers; how many were rendered."""
    data = letter_to_json(letter)
    return sum(
        documents.prerender(KIND, data, locale, _render(data, locale))
        for locale in current_app.config["LANGUAGES"]
    )
