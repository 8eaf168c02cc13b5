"""The problem record shared by the checks (budget, eligibility), and the message kit of the rules.

`N_` marks an English message for extraction; `Issue` is a message on a form field with its
%(name)s parameters; `InputError` is a value that cannot be read; `Refused` is the one base of every
refusal of a use case; `Amount` a money parameter and `Moment` a time parameter that the web layer
formats for the reader's locale (a time in its zone, the zone named).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

Limit = Decimal | int | str | frozenset[str] | None


@dataclass(frozen=True)
class Problem:
    """One broken rule: which field, a stable code, the limit, the actual value, a sentence."""

    field: str
    code: str
    limit: Limit
    actual: object
    message: str


def format_money(amount: Decimal, currency: str = "EUR") -> str:
    """'EUR 130,000.00': plain English formatting for rule messages."""
    return f"{currency} {amount.quantize(Decimal('0.01'), ROUND_HALF_UP):,}"


def format_percent(value: Decimal) -> str:
    """0.9 -> '90.00 %'."""
    return f"{(value * 100).quantize(Decimal('0.01'), ROUND_HALF_UP):,} %"


def N_(message: str) -> str:
    """Mark a message for extraction; the caller translates it."""
    return message


@dataclass(frozen=True)
class Amount:
    """A money parameter of a message, formatted for the reader's locale by the web layer."""

    value: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.currency} {self.value:,.2f}"


@dataclass(frozen=True)
class Moment:
    """A time parameter of a message, shown in the IANA zone `zone` (a call's) with the zone
    named."""

    value: datetime
    zone: str

    def __str__(self) -> str:
        return f"{self.value.astimezone(ZoneInfo(self.zone)):%Y-%m-%d %H:%M} ({self.zone})"


@dataclass(frozen=True)
class Issue:
    field: str
    message: str
    params: dict = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.params:
            return self.message
        return self.message % {
            k: v if isinstance(v, int | float | Decimal) else str(v)  # %(n)d needs a number
            for k, v in self.params.items()
        }


class InputError(ValueError):
    """A value that cannot be read, with a message for the person who typed it."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


class Refused(Exception):
    """A use case said no: the one base of every refusal. It carries issues (a message marked with
    `N_`, its %(name)s params, the form field it belongs to or ''); the request boundary
    (grants/unit_of_work.py) rolls back what the use case wrote and translates the issues once, onto
    the form or as messages.

    `Refused(N_("..."), field="x", name=value)` makes one issue; `Refused(issues=[...])` several. A
    subclass may set a default `field`.
    """

    field: str = ""

    def __init__(
        self,
        message: str = "",
        *,
        field: str | None = None,
        issues: list[Issue] | None = None,
        **params: object,
    ) -> None:
        if issues is None:
            issues = [Issue(self.field if field is None else field, message, params)]
        self.issues = list(issues)
        first = self.issues[0] if self.issues else Issue("", message, params)
        self.message, self.params, self.field = first.message, first.params, first.field
        super().__init__("; ".join(str(issue) for issue in self.issues))
