"""Excel workbooks written row by row (XlsxWriter in constant-memory mode: each sheet's rows go to a
temporary file as they are written), so memory stays flat.

Each sheet has a header row that stays in view (frozen) with an auto-filter over the whole table,
prints landscape on A4, fitted to the page's width, with the header row repeated on every page,
and typed columns: money cells are numbers in the currency's number format, dates are dates, and
text is text (written as strings, never read as numbers, formulas or links). Text that a spreadsheet
would run as a formula (it begins with =, +, -, @, tab or carriage return) is written with Excel's
quote prefix: shown as typed, never evaluated, not even after the cell is edited.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from numbers import Number
from pathlib import Path
from zoneinfo import ZoneInfo

from xlsxwriter import Workbook

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
DATE = "yyyy-mm-dd"  # a date in a column of another type


@dataclass(frozen=True)
class Column:
    title: str
    type: str = "text"  # text, money, score, percent, quantity, datetime, integer
    width: float = 14


def inert(text: str) -> bool:
    """Whether the text, as typed, would start a formula in a spreadsheet."""
    return text.startswith(FORMULA_START)


def clean(text: str) -> str:
    if not text.isprintable():  # printable text has no control character, surrogate or noncharacter
        text = ILLEGAL.sub("", text)
    return text[:MAX_TEXT]


def print_setup(ws) -> None:
    """How every sheet prints: landscape A4, all columns on the page's width (as many pages down as
    the rows need), the header row repeated on each page."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


class Sheet:
    """One sheet: the header, then `append` one row of values per call, then `close`."""

    def __init__(self, book: XlsxBook, title: str, columns: Sequence[Column]) -> None:
        self.book, self.columns = book, list(columns)
        self.ws = book.wb.add_worksheet(title[:31])
        self.ws.freeze_panes(1, 0)
        print_setup(self.ws)
        for index, column in enumerate(self.columns):
            self.ws.set_column(index, index, column.width)
            self.ws.write_string(0, index, clean(column.title), book.header)
        self.rows = 1
        self._formats = [book.style(column.type) for column in self.columns]

    def append(self, values: Iterable[object]) -> None:
        row, ws = self.rows, self.ws
        for index, (fmt, value) in enumerate(zip(self._formats, values, strict=True)):
            if value is None:
                continue
            kind = type(value)
            if kind is str:  # the common case, written here (clean and inert, inlined)
                if not value.isprintable():
                    value = ILLEGAL.sub("", value)
                if len(value) > MAX_TEXT:
                    value = value[:MAX_TEXT]
                if value.startswith(FORMULA_START):  # the quote prefix: never a formula
                    ws.write_string(row, index, value, self.book.quoted)
                else:
                    ws.write_string(row, index, value)
            elif kind is Decimal or kind is int:
                ws.write_number(row, index, value, fmt)
            else:
                self._write(row, index, fmt, value)
        self.rows += 1

    def _text(self, row: int, col: int, value: str) -> None:
        text = clean(value)
        if inert(text):  # with the quote prefix: shown as typed, never a formula
            self.ws.write_string(row, col, text, self.book.quoted)
        else:
            self.ws.write_string(row, col, text)

    def _write(self, row: int, col: int, fmt, value: object) -> None:
        """A value of a type other than str, int and Decimal (append writes those itself)."""
        ws = self.ws
        if isinstance(value, str):
            self._text(row, col, str(value))
        elif isinstance(value, bool):
            ws.write_boolean(row, col, value)
        elif isinstance(value, datetime):
            when = value.astimezone(self.book.zone).replace(tzinfo=None)
            ws.write_datetime(row, col, when, fmt or self.book.date)
        elif isinstance(value, date):
            ws.write_datetime(row, col, value, fmt or self.book.date)
        elif isinstance(value, Number):
            ws.write_number(row, col, value, fmt)  # Decimal to cents: exact in a double
        else:
            raise TypeError(f"cannot write {type(value).__name__} in a workbook cell")

    def close(self) -> None:
        self.ws.autofilter(0, 0, self.rows - 1, len(self.columns) - 1)


class XlsxBook:
    """A workbook written at `path` in constant memory; money in `currency`, times shown in the IANA
    zone `zone`."""

    def __init__(self, path: Path, currency: str, zone: str) -> None:
        self.wb = Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
            },
        )
        self.currency, self.zone = currency, ZoneInfo(zone)
        self.header = self.wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
        self.quoted = self.wb.add_format({"quote_prefix": True})
        self.date = self.wb.add_format({"num_format": DATE})
        self._cache: dict[str, object] = {}

    def sheet(self, title: str, columns: Sequence[Column]) -> Sheet:
        return Sheet(self, title, columns)

    def style(self, kind: str):
        """The cell format of a column type, made once per workbook (None: Excel's General)."""
        if kind not in FORMATS:
            return None
        if kind not in self._cache:
            number = FORMATS[kind].format(currency=self.currency.replace('"', ""))
            self._cache[kind] = self.wb.add_format({"num_format": number})
        return self._cache[kind]

    def save(self) -> None:
        self.wb.close()
