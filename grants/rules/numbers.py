"""Numbers as people write them in their language (docs/domain.md 3, "Amounts as people type them").

Pure functions of a value and a locale code ('tr', 'en'), used by the forms, the pages and the PDF
builders alike, so that what a page shows and what a user types back mean the same amount.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import (
    NumberFormatError,
    format_decimal,
    format_percent,
    get_decimal_symbol,
    get_group_symbol,
    parse_decimal,
)
from babel.units import format_unit

from .problems import N_, InputError

TYPED = re.compile(
    r"^[+-]?[0-9][0-9.,]*$"
)  # ASCII digits and the two separators only: no 1e9, NaN, ٣
TOO_LARGE = Decimal(
    "1000000000000000"
)  # beyond any column; each field's own check gives its real limit


def show_number(value: Decimal, locale: str, places: int = 2, cents: bool | None = None) -> str:
    """A number written as the locale writes it, so that typed back it reads the same: money (2
    places) always with its cents ('2.500,00' in Turkish), other numbers with up to `places`
    decimals."""
    if cents is None:
        cents = places == 2
    pattern = "#,##0.00" if cents else "#,##0." + "#" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=locale, decimal_quantization=False)


def example(locale: str, places: int = 2) -> str:
    """2500.50 written in the locale ('2.500,50' in Turkish), to show how to type a number."""
    return show_number(Decimal("2500.50"), locale, max(places, 2))


def parse_number(
    text: str | None, locale: str, places: int = 2, limit: Decimal = TOO_LARGE
) -> Decimal | None:
    """A number typed in the locale's way, read by Babel's strict parser; None when blank.

    In Turkish '2.500' is 2500 and '2.500,50' is 2500.50; in English '2,500.50'. Refused with an
    InputError (its message marked with N_): anything but digits and the locale's separators
    (exponents, NaN, other scripts' digits), a grouping Babel finds ambiguous ('2.50' in Turkish),
    more than `places` decimals as written ('2.500' in English: 2,500 or 2.50?), and numbers at or
    above `limit`.
    """
    typed = (text or "").strip()
    if not typed:
        return None
    if not TYPED.match(typed):
        raise InputError(
            N_("Enter a number such as %(example)s, in digits."), example=example(locale, places)
        )
    try:
        value = parse_decimal(typed, locale=locale, strict=True)
    except NumberFormatError as error:
        readings = [_read(s, locale) for s in getattr(error, "suggestions", None) or []]
        raise _ambiguous(typed, [r for r in readings if r is not None], locale, places) from None
    written = _decimals(typed, locale)
    if written > places:
        whole = typed.lstrip("+-").split(get_decimal_symbol(locale))[0]
        if (
            written == 3 and len(whole) <= 3 and get_group_symbol(locale) not in typed
        ):  # '2.500' in English
            raise _ambiguous(typed, [value * 1000, value], locale, places)
        raise InputError(N_("Use at most %(places)s decimal places."), places=places)
    if abs(value) >= limit:
        raise InputError(N_("This number is too large."))
    return value


def _read(text: str, locale: str) -> Decimal | None:
    try:
        return parse_decimal(text, locale=locale, strict=True)
    except NumberFormatError:
        return None


def _ambiguous(typed: str, readings: list[Decimal], locale: str, places: int) -> InputError:
    """The readings of `typed` that fit `places`, written as the locale writes them, for the user to
    choose."""
    options = [
        show_number(r, locale, places)
        for r in readings
        if r == r.quantize(Decimal(1).scaleb(-places))
    ]
    if not options:
        return InputError(
            N_("Enter a number such as %(example)s, in digits."), example=example(locale, places)
        )
    return InputError(
        N_("%(typed)s can be read more than one way: write %(options)s."),
        typed=typed,
        options=" / ".join(dict.fromkeys(options)),
    )


def _decimals(text: str, locale: str) -> int:
    """How many decimals a number written in the locale has."""
    _whole, sep, fraction = text.rpartition(get_decimal_symbol(locale))
    return len(fraction) if sep else 0


def show_rate(rate: Decimal | None, locale: str) -> str:
    """0.9 -> '90%' in English, '%90' in Turkish: the locale's own pattern, to 2 decimals
    (84.11%)."""
    if rate is None:
        return "–"
    shown = rate.quantize(Decimal("0.0001"), ROUND_HALF_UP).normalize()
    return format_percent(shown, locale=locale, decimal_quantization=False)


def show_size(size: int | None, locale: str) -> str:
    """A file's size: '512 bytes', '6.5 kB', '10 MB' ('6,5 kB' in Turkish); binary multiples, as
    uploads are limited."""
    if size is None:
        return "–"
    if size < 1024:
        return format_unit(size, "digital-byte", length="long", locale=locale)
    value = Decimal(size) / 1024
    unit = "digital-kilobyte"
    if value >= 1024:
        value, unit = value / 1024, "digital-megabyte"
    return format_unit(
        value.quantize(Decimal("0.1"), ROUND_HALF_UP),
        unit,
        length="short",
        format="#,##0.#",
        locale=locale,
    )
