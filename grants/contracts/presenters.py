"""The words and shapes of the contract pages: the grant's status and scheme, the exact grant
rate as a percentage, the IBAN by groups of four, and the actions a viewer may take."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from babel.numbers import format_percent
from flask_babel import get_locale

from grants.i18n import lazy_gettext as _l
from grants.labels import GRANT_STATUS_LABELS
from grants.rules.contract import grouped
from grants.rules.grant_status import GrantStatus

SCHEME_LABELS = {
    "single": _l("Single pre-financing"),
    "periodic": _l("Periodic pre-financing instalments"),
}
RATE_DECIMALS = 6  # of the percentage shown (the rate itself is kept exact)


def grant_status(value) -> str:
    key = getattr(value, "value", value)
    return str(GRANT_STATUS_LABELS.get(key, key))


def scheme_label(value) -> str:
    key = getattr(value, "value", value)
    return str(SCHEME_LABELS.get(key, key))


def exact_rate(rate: Fraction | None) -> str:
    """The exact grant rate as a percentage to at most 6 decimals, in the reader's locale:
    90,000 / 107,000 -> '84.11215%' ('%84,11215' in Turkish). Rounded half-up for display only."""
    if rate is None:
        return "–"
    shown = (Decimal(rate.numerator) / Decimal(rate.denominator)).quantize(
        Decimal(1).scaleb(-(RATE_DECIMALS + 2)), ROUND_HALF_UP
    )
    return format_percent(shown.normalize(), locale=str(get_locale()), decimal_quantization=False)


def iban(value: str | None) -> str:
    return grouped(value) if value else "–"


FILTERS = {
    "grant_status": grant_status,
    "scheme_label": scheme_label,
    "exact_rate": exact_rate,
    "iban": iban,
}


@dataclass(frozen=True)
class Actions:
    """What the viewer may do on the grant's page now."""

    edit: bool = False  # staff: the bank account and start of a draft, and send it
    back_to_draft: bool = False  # staff: take a sent contract back to correct it
    sign: bool = False  # the lead's members: accept or upload the signed PDF
    countersign: bool = False  # staff


def actions(status: GrantStatus, staff: bool, lead: bool) -> Actions:
    return Actions(
        edit=staff and status is GrantStatus.draft,
        back_to_draft=staff and status is GrantStatus.sent,
        sign=lead and status is GrantStatus.sent,
        countersign=staff and status is GrantStatus.signed,
    )
