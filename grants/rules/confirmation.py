"""What a partner's confirmation covers (docs/domain.md 3, "Partnership confirmation").

A partner confirms what its confirmation page shows: the application's title, acronym, summary,
objectives, lot and duration, the partner's role, the budget totals, its share and its own budget
lines. `terms` records that as plain JSON-ready values; `changes` compares the record kept at the
confirmation with the application as it is now. Any change voids the confirmation.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .money import money

# in the order the confirmation page shows them
TEXT_FIELDS = ("title", "acronym", "summary", "objectives", "lot")
MONEY_FIELDS = (
    "direct",
    "indirect",
    "contingency",
    "total_eligible",
    "requested_grant",
    "co_financing",
    "share",
)
FIELDS = (*TEXT_FIELDS, "duration_months", "role", *MONEY_FIELDS, "lines")
LONG_TEXTS = frozenset({"summary", "objectives", "role", "lines"})  # told as "changed", not quoted


@dataclass(frozen=True)
class Change:
    """One thing the partner read that is no longer so: `before` as confirmed, `after` as it is
    now."""

    field: str
    before: Any
    after: Any

    @property
    def quoted(self) -> bool:
        """Whether the old and new values are short enough to be told in a sentence."""
        return self.field not in LONG_TEXTS


@dataclass(frozen=True)
class Line:
    description: str
    unit: str
    quantity: Decimal
    unit_cost: Decimal


def _quantity(value: Decimal) -> str:
    return format(Decimal(value).normalize(), "f")


def terms(
    *,
    title: str,
    acronym: str,
    summary: str,
    objectives: str,
    lot: str | None,
    duration_months: int | None,
    role: str,
    amounts: Mapping[str, Decimal],
    lines: Iterable[Line],
) -> dict[str, Any]:
    """The record of what the page shows; `amounts` holds every name of MONEY_FIELDS."""
    record: dict[str, Any] = {
        "title": title or "",
        "acronym": acronym or "",
        "summary": summary or "",
        "objectives": objectives or "",
        "lot": lot or "",
        "duration_months": duration_months,
        "role": role or "",
    }
    record |= {name: str(money(amounts[name])) for name in MONEY_FIELDS}
    record["lines"] = [
        [line.description, line.unit, _quantity(line.quantity), str(money(line.unit_cost))]
        for line in lines
    ]
    return record


def changes(confirmed: Mapping[str, Any] | None, current: Mapping[str, Any]) -> list[Change]:
    """Every field of `current` that differs from what was confirmed, in page order.

    Only the fields the confirmation recorded are compared (a confirmation recorded before a field
    was shown is not voided by it); `confirmed` None means nothing was recorded: nothing to compare.
    """
    if confirmed is None:
        return []
    found = []
    for name in FIELDS:
        if name not in confirmed or name not in current:
            continue
        before, after = confirmed[name], current[name]
        if name in MONEY_FIELDS:
            before, after = _amount(before), _amount(after)
        elif name == "lines":
            before, after = _lines(before), _lines(after)
        if before != after:
            found.append(Change(name, before, after))
    return found


def _amount(value: Any) -> Decimal | None:
    return None if value is None else money(Decimal(str(value)))


def _lines(value: Any) -> list[tuple]:
    return sorted(
        (str(d), str(u), Decimal(str(q)).normalize(), money(Decimal(str(c))))
        for d, u, q, c in value or []
    )
