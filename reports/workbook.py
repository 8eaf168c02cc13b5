"""Excel workbooks written row by row (openpyxl's write-only mode), so memory stays flat.

Each sheet has a header row that stays in view (frozen) with an auto-filter over the whole table,
prints landscape on A4, fitted to the page's width, with the header row repeated on every page,
and typed columns: money cells are numbers (Decimal, exact) in the currency's number format, dates
are dates, and text is text. Text that a spreadsheet would run as a formula (it begins with =, +, -,
@, tab or carriage return) is written as an inline string with Excel's quote prefix: shown as typed,
never evaluated, not even after the cell is edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import copy
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# what an XML sheet cannot hold: control characters, lone surrogates and the noncharacters (L2)
ILLEGAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]|[\U0001fffe-\U0001ffff]"
)
MAX_TEXT = 32767  # characters in one cell
FORMATS = {
    "money": '#,##0.00 "{currency}"',
    "score": "0.00",
    "percent": "0.00%",
    "quantity": "#,##0.####",
    "datetime": "yyyy-mm-dd hh:mm",
}  # whole numbers and text keep Excel's General format


@dataclass(frozen=True)
class Column:
    title: str
    type: str = "text"  # text, money, score, percent, quantity, datetime, integer
    width: float = 14


def inert(text: str) -> bool:
    """Whether the text, as typed, would start a formula in a spreadsheet."""
    return text.startswith(FORMULA_START)


def clean(text: str) -> str:
    return ILLEGAL.sub("", text)[:MAX_TEXT]


def print_setup(ws) -> None:
    """How every sheet prints: landscape A4, all columns on the page's width (as many pages down as
    the rows need), the header row repeated on each page. In write-only mode the sheet's properties
    (fit to page) are written with its first row, so this runs before it (Sheet.__init__, the one
    way a sheet is made)."""
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"


class Sheet:
    """One sheet: the header, then `append` one row of values per call, then `close`."""

    def __init__(self, book: XlsxBook, title: str, columns: Sequence[Column]) -> None:
        self.book, self.columns = book, list(columns)
        self.ws = book.wb.create_sheet(title[:31])
        self.ws.freeze_panes = "A2"
        print_setup(self.ws)
        for index, column in enumerate(self.columns, start=1):
            self.ws.column_dimensions[get_column_letter(index)].width = column.width
        header = []
        for column in self.columns:
            cell = WriteOnlyCell(self.ws, value=clean(column.title))
            cell.font, cell.alignment = Font(bold=True), Alignment(wrap_text=True, vertical="top")
            header.append(cell)
        self.ws.append(header)
        self.rows = 1
        self._styles = [book.style(self.ws, column.type) for column in self.columns]

    def append(self, values: Iterable[object]) -> None:
        row = []
        for column, style, value in zip(self.columns, self._styles, values, strict=True):
            row.append(self._cell(column, style, value))
        self.ws.append(row)
        self.rows += 1

    def _cell(self, column: Column, style, value: object):
        if value is None:
            return None
        if isinstance(value, str):
            text = clean(value)
            if not inert(text):
                return text
            cell = WriteOnlyCell(self.ws, value=text)
            cell.data_type, cell.quotePrefix = "s", True  # an inline string, never a formula
            return cell
        if isinstance(value, datetime):
            value = value.astimezone(self.book.zone).replace(tzinfo=None)
        cell = WriteOnlyCell(self.ws, value=value)
        if style is not None:
            cell._style = copy(style)  # the column's number format
        return cell

    def close(self) -> None:
        self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{self.rows}"


class XlsxBook:
    """A write-only workbook; money in `currency`, times shown in the IANA zone `zone`."""

    def __init__(self, currency: str, zone: str) -> None:
        self.wb = Workbook(write_only=True)
        self.currency, self.zone = currency, ZoneInfo(zone)
        self._cache: dict[str, object] = {}

    def sheet(self, title: str, columns: Sequence[Column]) -> Sheet:
        return Sheet(self, title, columns)

    def style(self, ws, kind: str):
        """The style array of a number format, made once per workbook."""
        if kind not in FORMATS:
            return None
        if kind not in self._cache:
            cell = WriteOnlyCell(ws, value=0)
            cell.number_format = FORMATS[kind].format(currency=self.currency.replace('"', ""))
            self._cache[kind] = cell._style
        return self._cache[kind]

    def save(self, path: Path) -> None:
        self.wb.save(path)
