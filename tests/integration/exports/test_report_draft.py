"""An evaluation report made before the decisions are final says so on every page, in its language;
once they are final it does not (issue 12.5)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from grants.exports.evaluation_report import build
from grants.models.base import now_utc
from reports.evaluation_report import css_string
from tests.factories.export_dataset import ranked_call

MARKS = {"en": "DRAFT — not final", "tr": "TASLAK — kesin değil"}


def pages(call_id: int, tmp_path: Path, locale: str) -> list[str]:
    """The text of each page, without white space (kerning may split words)."""
    build(call_id, locale, lambda percent: None, tmp_path / f"{locale}.pdf")
    return [
        re.sub(r"\s+", "", page.extract_text())
        for page in PdfReader(tmp_path / f"{locale}.pdf").pages
    ]


@pytest.mark.parametrize("locale", ["en", "tr"])
def test_a_report_made_before_finalisation_says_draft_on_every_page(db, tmp_path, locale):
    call = ranked_call(40)
    found = pages(call.id, tmp_path, locale)
    mark = re.sub(r"\s+", "", MARKS[locale])
    assert len(found) >= 8  # cover, contents, chapters, landscape ranking pages
    assert [n for n, text in enumerate(found, 1) if mark not in text] == []


def test_a_report_made_after_finalisation_has_no_draft_mark(db, tmp_path):
    call = ranked_call(40)
    call.finalised_at = now_utc()
    db.session.commit()
    found = pages(call.id, tmp_path, "en")
    assert not [n for n, text in enumerate(found, 1) if "DRAFT" in text or "notfinal" in text]


def test_the_mark_is_a_safe_css_string():
    assert css_string('TASLAK "x" \\ y\nz') == '"TASLAK \\"x\\" \\\\ y\\a z"'
