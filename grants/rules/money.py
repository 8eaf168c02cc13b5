"""Money and rates as Decimal: never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
RATE_STEP = Decimal("0.0001")

Number = Decimal | int | str


def to_decimal(value: Number) -> Decimal:
    """Exact Decimal from str, int or Decimal; float and bool are refused."""
    if isinstance(value, (float, bool)) or not isinstance(value, (Decimal, int, str)):
        raise TypeError(f"expected Decimal, int or str, not {type(value).__name__}")
    try:
        result = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def money(value: Number) -> Decimal:
    """An amount rounded to 2 places, half up."""
    return to_decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def rate(value: Number) -> Decimal:
    """A rate (0.9 = 90 %) rounded to 4 places, half up."""
    return to_decimal(value).quantize(RATE_STEP, rounding=ROUND_HALF_UP)
