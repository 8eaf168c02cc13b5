"""What the bundle's checks share: a key given twice, a time without its UTC offset, a low value
above its high one (each problem a string "<JSON path>: <what is wrong>")."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from grants.bundle.formats import parse_time


def unique(pairs: Iterable[tuple[str, Any]], what: str, problems: list[str]) -> set:
    seen: set = set()
    for path, value in pairs:
        if value in seen:
            problems.append(f"{path}: duplicate {what} '{value}'")
        seen.add(value)
    return seen


def checked_time(value: str | None, path: str, problems: list[str]):
    try:
        return parse_time(value)
    except ValueError as error:
        problems.append(f"{path}: '{value}' is not a time with a UTC offset ({error})")
        return None


def not_above(low: Any, high: Any, path: str, names: tuple[str, str], problems: list[str]) -> None:
    if Decimal(low) > Decimal(high):
        problems.append(f"{path}.{names[0]}: {low} is above {names[1]} ({high})")
