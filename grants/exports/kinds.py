"""The kinds of export staff may request, each with its builder named "module:function".

Builders are imported when first used, by name, so a kind whose module is not installed is listed as
unavailable instead of breaking the others.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from grants.i18n import LazyText
from grants.i18n import lazy_gettext as _l
from grants.rules.problems import Refused

Progress = Callable[[int], None]
Builder = Callable[[int, str, Progress, Path], str]


class ExportError(Refused):
    """A refusal to build (or make again) an export: `message` (marked for translation) with its
    %(name)s `params`."""


@dataclass(frozen=True)
class Kind:
    name: str
    target: str  # "module:function"
    label: LazyText
    description: LazyText
    suffix: str  # of the stored file
    choose_language: bool = False  # the form asks for the document's language
    final_only: bool = False  # only once the call's decisions are final
    in_parts: bool = False  # made in parts that several workers share (grants/exports/parts.py)

    @property
    def module(self) -> str:
        return self.target.partition(":")[0]

    def builder(self) -> Builder | None:
        """The build function, or None while its module does not exist."""
        try:
            module = importlib.import_module(self.module)
        except ModuleNotFoundError as error:
            if error.name != self.module:
                raise  # the module exists but something it imports is missing: a real error
            return None
        return getattr(module, self.target.partition(":")[2])

    @property
    def available(self) -> bool:
        return self.builder() is not None


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "evaluation_report",
            "grants.exports.evaluation_report:build",
            _l("Evaluation report (PDF)"),
            _l(
                "The call, its committee and timeline, the ranked list, the awards, the reserve "
                "list and the "
                "rejected applications with reasons, with charts."
            ),
            ".pdf",
            choose_language=True,
        ),
        Kind(
            "workbook",
            "grants.exports.workbook:build",
            _l("Workbook (Excel)"),
            _l(
                "Applications, partners, budget lines, evaluations, ranking, awards and a summary "
                "by lot, "
                "country, region and theme."
            ),
            ".xlsx",
        ),
        Kind(
            "giving360_json",
            "grants.exports.giving360:build_json",
            _l("360Giving open data (JSON)"),
            _l("The awarded grants in the 360Giving Data Standard, once the decisions are final."),
            ".json",
            final_only=True,
        ),
        Kind(
            "giving360_csv",
            "grants.exports.giving360:build_csv",
            _l("360Giving open data (CSV)"),
            _l("The same grants as a spreadsheet with the 360Giving column titles."),
            ".csv",
            final_only=True,
        ),
        Kind(
            "grant_statements_xlsx",
            "grants.exports.grant_statements:build_xlsx",
            _l("Grant statements (Excel)"),
            _l(
                "Each grant contract: maximum grant, final amount, paid, recovered and still to "
                "pay, with the totals per lot and for the call."
            ),
            ".xlsx",
        ),
        Kind(
            "grant_statements_pdf",
            "grants.exports.grant_statements:build_pdf",
            _l("Grant statements (PDF)"),
            _l("The same statements, to print."),
            ".pdf",
            choose_language=True,
        ),
        Kind(
            "bundle",
            "grants.exports.bundle:build",
            _l("Call bundle (JSON)"),
            _l(
                "The whole call with its organisations, applications, evaluations and decisions, "
                "for import "
                "elsewhere."
            ),
            ".json",
        ),
        Kind(
            "application_pdfs",
            "grants.exports.application_pdfs:build",
            _l("Application PDFs (ZIP)"),
            _l("Every application's summary and decision letter as PDF files in one ZIP archive."),
            ".zip",
            in_parts=True,
        ),
        Kind(
            "letters_to_post",
            "grants.exports.letters_to_post:build",
            _l("Letters to send by post (PDF)"),
            _l(
                "Every letter that could not be e-mailed and is not yet recorded as sent, one "
                "after the other, to "
                "print and send by post."
            ),
            ".pdf",
            choose_language=True,
        ),
    )
}
