"""The contract's rules beyond its numbers (docs/domain.md 7, Contract): the beneficiary's bank
account, and the dates the signatures give.

- The IBAN and BIC are checked by schwifty (the ISO 13616 structure of each country, its check
  digits and, where the country has one, its national checksum), kept in their electronic form (no
  spaces, capitals) and shown in groups of four.
- "The start date is the day after the last signature": the day of a signature is the day in the
  call's time zone (a contract signed at 00:30 in Istanbul was signed that day, not the day before
  as UTC would have it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from schwifty import BIC, IBAN
from schwifty import exceptions as bad

from .grant_terms import end_date, start_date
from .problems import N_, Refused

__all__ = [
    "BankAccountRefused",
    "check_bic",
    "check_iban",
    "grouped",
    "in_force_dates",
    "local_day",
]


class BankAccountRefused(Refused):
    """A bank account the contract cannot carry."""


@dataclass(frozen=True)
class _Why:
    error: type[Exception]
    message: str


# the most precise reason first (schwifty's errors are subclasses of one another in places)
IBAN_REASONS = (
    _Why(
        bad.InvalidCountryCode,
        N_("The IBAN must begin with the code of a country that uses IBANs, such as TR."),
    ),
    _Why(bad.InvalidLength, N_("The IBAN has too many or too few characters for its country.")),
    _Why(
        bad.InvalidChecksumDigits,
        N_("The IBAN's check digits do not match the rest: a character was probably mistyped."),
    ),
    _Why(
        bad.InvalidBBANChecksum,
        N_("The IBAN's national check digits do not match: a character was probably mistyped."),
    ),
    _Why(bad.InvalidBankCode, N_("The IBAN's bank code does not exist.")),
    _Why(bad.InvalidBranchCode, N_("The IBAN's branch code does not exist.")),
    _Why(bad.InvalidAccountCode, N_("The IBAN's account number is not valid.")),
    _Why(
        bad.SchwiftyException,
        N_("The IBAN has characters where its country's format expects others."),
    ),
)


def check_iban(text: str, field: str = "iban") -> str:
    """The IBAN in its electronic form ('TR330006100519786457841326'), from what was typed (spaces
    and lower case allowed); BankAccountRefused, naming the reason, otherwise."""
    typed = "".join(text.split()).upper()
    if not typed:
        raise BankAccountRefused(N_("Enter the IBAN."), field=field)
    try:
        return IBAN(typed).compact
    except bad.SchwiftyException as error:
        why = next(w for w in IBAN_REASONS if isinstance(error, w.error))
        raise BankAccountRefused(why.message, field=field) from None


def check_bic(text: str, field: str = "bic") -> str:
    """The BIC (SWIFT code) in its electronic form, or "" when none was typed (it is optional);
    BankAccountRefused when it is not one."""
    typed = "".join(text.split()).upper()
    if not typed:
        return ""
    try:
        return BIC(typed).compact
    except bad.InvalidLength:
        raise BankAccountRefused(
            N_(
                "A BIC has 8 or 11 characters: a bank code, a country code, a location code and "
                "an optional branch code."
            ),
            field=field,
        ) from None
    except bad.InvalidCountryCode:
        raise BankAccountRefused(
            N_("The BIC's fifth and sixth characters must be a country code, such as TR."),
            field=field,
        ) from None
    except bad.SchwiftyException:
        raise BankAccountRefused(
            N_("The BIC has characters where a BIC cannot have them."), field=field
        ) from None


def grouped(iban: str) -> str:
    """An electronic IBAN as people read it: in groups of four ('TR33 0006 1005 ...')."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def local_day(moment: datetime, zone: str) -> date:
    """The day a moment falls on in a time zone (the call's: "the day after the last
    signature" is counted in the call's own calendar, not in UTC)."""
    return moment.astimezone(ZoneInfo(zone)).date()


def in_force_dates(
    signatures: list[datetime], zone: str, set_start: date | None, months: int
) -> tuple[date, date]:
    """The start and end dates of a contract signed at these moments: the start is the day after
    the last signature (in `zone`) unless the contract sets a later one; the end is the start plus
    the period in months, minus one day."""
    last = max(local_day(moment, zone) for moment in signatures)
    start = start_date(last, set_start)
    return start, end_date(start, months)
