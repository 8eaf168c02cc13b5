"""Rules a call's settings must follow (docs/domain.md 2): pure functions over plain values, no
Flask.

A check returns a list of `Issue`: the form field it concerns (its WTForms name, e.g. `grant_max`
or `lots-1-budget`), an English message marked with N_ for extraction, and the message's
%(name)s parameters; the web layer translates it. Values that could not be read are None and
the checks that need them are skipped, so one round shows every problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from babel import Locale
from babel.numbers import list_currencies

from .admissibility_requests import check_days as check_request_days
from .grant_settings import check_grant_settings
from .problems import N_, Amount, Issue
from .reminders import check_days as check_reminder_days
from .typed_values import zone

REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,31}$")
COUNTRY = re.compile(r"^[A-Z]{2}$")
COUNTRIES = frozenset(
    code
    for code in Locale("en").territories
    if COUNTRY.match(code) and code not in {"EU", "EZ", "UN", "XA", "XB", "ZZ", "QO"}
)
LOT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
CENT = Decimal("0.01")
MONEY_LIMIT = Decimal("1000000000000")  # Numeric(14, 2)
COUNT_LIMIT = 1_000_000
COMPLAINT_DAYS_LIMIT = 365
NAME_LENGTH = 200
MONEY_FIELDS = ("total_budget", "grant_min", "grant_max")
RATE_FIELDS = ("min_rate", "max_rate", "indirect_rate", "contingency_rate")
RANGES = (  # (min field, max field, message on the max field)
    ("grant_min", "grant_max", "grant"),
    ("min_rate", "max_rate", "rate"),
    ("duration_min", "duration_max", "duration"),
    ("partners_min", "partners_max", "partners"),
)
COUNTS = (  # (field, smallest value)
    ("duration_min", 1),
    ("duration_max", 1),
    ("partners_min", 0),
    ("partners_max", 0),
    ("max_applications_per_lead", 1),
    ("evaluators_per_application", 1),
    ("reserve_list_length", 0),
)


@dataclass(frozen=True)
class LotDraft:
    code: str
    name: str
    themes: list[str]
    budget: Decimal | None
    key: str = ""  # the form prefix of the row, e.g. "lots-2"


# Rules ------------------------------------------------------------------------------------------


def check_reference(reference: str | None) -> list[Issue]:
    if reference is not None and not REFERENCE.match(reference):
        return [
            Issue(
                "reference",
                N_(
                    "Use 2 to 32 capital letters, digits and hyphens, starting with a "
                    "letter or digit, e.g. TTGS-2026."
                ),
            )
        ]
    return []


def check_amounts(s: dict) -> list[Issue]:
    issues = []
    for name in MONEY_FIELDS:
        value = s.get(name)
        if value is not None and value < 0:
            issues.append(Issue(name, N_("An amount cannot be negative.")))
        elif value is not None and value >= MONEY_LIMIT:
            issues.append(
                Issue(name, N_("Enter an amount below %(limit)s."), {"limit": f"{MONEY_LIMIT:,}"})
            )
        elif value is not None and value != value.quantize(CENT):
            issues.append(Issue(name, N_("Use at most 2 decimals.")))
    for name in RATE_FIELDS:
        value = s.get(name)
        if value is not None and not Decimal(0) <= value <= Decimal(1):
            issues.append(Issue(name, N_("A percentage must be between 0 and 100.")))
        elif value is not None and value != value.quantize(Decimal("0.0001")):
            issues.append(Issue(name, N_("Use at most 2 decimals.")))
    return issues


def check_ranges(s: dict) -> list[Issue]:
    messages = {
        "grant": N_("The maximum grant must be at least the minimum grant (%(low)s)."),
        "rate": N_("The maximum grant rate must be at least the minimum grant rate (%(low)s %%)."),
        "duration": N_(
            "The maximum duration must be at least the minimum duration (%(low)s months)."
        ),
        "partners": N_("The maximum number of partners must be at least the minimum (%(low)s)."),
    }
    issues = []
    for low_name, high_name, kind in RANGES:
        low, high = s.get(low_name), s.get(high_name)
        if low is not None and high is not None and low > high:
            shown = (
                Amount(low, s.get("currency") or "")
                if kind == "grant"
                else (format(low * 100, "f") if kind == "rate" else low)
            )
            issues.append(Issue(high_name, messages[kind], {"low": shown}))
    return issues


def check_counts(s: dict) -> list[Issue]:
    """Whole numbers in range; the discrepancy threshold below the grid's maximum (`grid_max`, when
    known), else a third evaluator could never be called."""
    issues = [
        Issue(
            name,
            N_("Enter a whole number from %(min)s to %(max)s."),
            {"min": least, "max": COUNT_LIMIT},
        )
        for name, least in COUNTS
        if s.get(name) is not None and not least <= s[name] <= COUNT_LIMIT
    ]
    days = s.get("complaint_days")
    if days is not None and not 1 <= days <= COMPLAINT_DAYS_LIMIT:
        issues.append(
            Issue(
                "complaint_days",
                N_("Enter a whole number of days from 1 to %(max)s."),
                {"max": COMPLAINT_DAYS_LIMIT},
            )
        )
    issues += check_request_days(s.get("document_request_days"))
    discrepancy, grid_max = s.get("discrepancy_threshold"), s.get("grid_max")
    if discrepancy is not None and (
        not 0 <= discrepancy < COUNT_LIMIT or discrepancy != discrepancy.quantize(CENT)
    ):
        issues.append(
            Issue(
                "discrepancy_threshold",
                N_("Enter a number of points of at least 0, with at most 2 decimals."),
            )
        )
    elif discrepancy is not None and grid_max is not None and discrepancy >= grid_max:
        issues.append(
            Issue(
                "discrepancy_threshold",
                N_(
                    "Two totals of the grid can differ by at most %(max)s points: "
                    "a threshold of %(threshold)s would never call another "
                    "evaluator. Enter less than %(max)s."
                ),
                {"max": grid_max, "threshold": discrepancy},
            )
        )
    ratio = s.get("shortlist_ratio")
    if ratio is not None and (not 1 <= ratio < 10000 or ratio != ratio.quantize(CENT)):
        issues.append(
            Issue(
                "shortlist_ratio",
                N_("Enter a ratio from 1 to 9999, with at most 2 decimals (e.g. 2.0)."),
            )
        )
    return issues


def check_identity(s: dict) -> list[Issue]:
    issues = check_reference(s.get("reference"))
    currency = s.get("currency")
    if currency is not None and currency not in list_currencies():
        issues.append(Issue("currency", N_("Enter a 3-letter ISO 4217 currency code, e.g. EUR.")))
    if s.get("timezone") is not None and zone(s["timezone"]) is None:
        issues.append(Issue("timezone", N_("Enter an IANA time zone such as Europe/Istanbul.")))
    return issues


def check_timeline(s: dict) -> list[Issue]:
    opens, note, deadline = s.get("opens_at"), s.get("concept_note_deadline"), s.get("deadline")
    issues = []
    if s.get("procedure") == "restricted" and note is None and "concept_note_deadline" in s:
        issues.append(
            Issue("concept_note_deadline", N_("A restricted call needs a concept-note deadline."))
        )
    if s.get("procedure") == "restricted" and note is not None:
        if opens is not None and note <= opens:
            issues.append(
                Issue(
                    "concept_note_deadline",
                    N_("The concept-note deadline must be after the opening time."),
                )
            )
        if deadline is not None and deadline <= note:
            issues.append(
                Issue(
                    "deadline",
                    N_("The full-application deadline must be after the concept-note deadline."),
                )
            )
    if opens is not None and deadline is not None and deadline <= opens:
        issues.append(Issue("deadline", N_("The deadline must be after the opening time.")))
    return issues


def check_eligibility(s: dict) -> list[Issue]:
    """Who may lead and partner: each list chosen, each country a real ISO code, each country group
    possible."""
    return _check_chosen(s) + _check_country_lists(s) + _check_country_groups(s)


def _check_chosen(s: dict) -> list[Issue]:
    """Each list of countries and types that was read must name at least one."""
    return [
        Issue(name, N_("Choose at least one."))
        for name in ("lead_countries", "partner_countries", "lead_types", "partner_types")
        if s.get(name) is not None and not s[name]
    ]


def _check_country_lists(s: dict) -> list[Issue]:
    """The first code of each country list that is not two letters, else the first that names no
    country."""
    issues = []
    for name in ("lead_countries", "partner_countries"):
        bad = [c for c in s.get(name) or [] if not COUNTRY.match(c)]
        unknown = [c for c in s.get(name) or [] if COUNTRY.match(c) and c not in COUNTRIES]
        if bad:
            issues.append(
                Issue(
                    name,
                    N_("'%(code)s' is not a two-letter country code (ISO 3166-1, e.g. TR, DE)."),
                    {"code": bad[0]},
                )
            )
        elif unknown:
            issues.append(
                Issue(
                    name,
                    N_("'%(code)s' is not the code of a country (ISO 3166-1, e.g. TR, DE)."),
                    {"code": unknown[0]},
                )
            )
    return issues


def _check_country_groups(s: dict) -> list[Issue]:
    """Each group (a line) made of country codes, with a country that may lead or partner: else no
    partnership could ever meet it."""
    issues = []
    allowed = set(s.get("lead_countries") or []) | set(s.get("partner_countries") or [])
    for number, group in enumerate(s.get("country_groups") or [], start=1):
        bad = [c for c in group if not COUNTRY.match(c) or c not in COUNTRIES]
        if bad:
            issues.append(
                Issue(
                    "country_groups",
                    N_("Line %(line)s: '%(code)s' is not a two-letter country code."),
                    {"line": number, "code": bad[0]},
                )
            )
        elif allowed and not allowed & set(group):
            issues.append(
                Issue(
                    "country_groups",
                    N_(
                        "Line %(line)s: no country of this group may lead or partner, "
                        "so no partnership could meet it."
                    ),
                    {"line": number},
                )
            )
    return issues


def check_lots(
    total: Decimal | None, currency: str, lots: list[LotDraft], grant_min: Decimal | None = None
) -> list[Issue]:
    """Each lot complete, codes unique, able to fund one grant of the minimum, and the lots' budgets
    adding up to the total exactly."""
    issues, seen = [], set()
    for i, lot in enumerate(lots):
        key = lot.key or f"lots-{i}"
        if not LOT_CODE.match(lot.code):
            issues.append(
                Issue(
                    f"{key}-code",
                    N_("Enter a code of letters, digits, '.', '-' or '_' (e.g. LOT1)."),
                )
            )
        elif lot.code in seen:
            issues.append(
                Issue(
                    f"{key}-code",
                    N_("Two lots have the code %(code)s; codes must be unique."),
                    {"code": lot.code},
                )
            )
        seen.add(lot.code)
        if not lot.name or len(lot.name) > NAME_LENGTH:
            issues.append(
                Issue(
                    f"{key}-name",
                    N_("Enter the lot's name, at most %(max)s characters."),
                    {"max": NAME_LENGTH},
                )
            )
        if lot.budget is None:
            issues.append(Issue(f"{key}-budget", N_("Enter the lot's budget.")))
        elif not 0 <= lot.budget < MONEY_LIMIT or lot.budget != lot.budget.quantize(CENT):
            issues.append(
                Issue(
                    f"{key}-budget",
                    N_("Enter an amount from 0 to %(limit)s with at most 2 decimals."),
                    {"limit": f"{MONEY_LIMIT - CENT:,}"},
                )
            )
        elif grant_min is not None and lot.budget < grant_min:
            issues.append(
                Issue(
                    f"{key}-budget",
                    N_(
                        "A lot of %(budget)s cannot fund a single grant of the minimum "
                        "%(min)s: nothing could ever be awarded in it."
                    ),
                    {"budget": Amount(lot.budget, currency), "min": Amount(grant_min, currency)},
                )
            )
    budgets = [lot.budget for lot in lots]
    if lots and total is not None and None not in budgets and sum(budgets) != total:
        lots_sum = sum(budgets)
        message = (
            N_("The lots add up to %(sum)s, %(diff)s less than the total budget.")
            if lots_sum < total
            else N_("The lots add up to %(sum)s, %(diff)s more than the total budget.")
        )
        issues.append(
            Issue(
                "total_budget",
                message,
                {
                    "sum": Amount(lots_sum, currency),
                    "diff": Amount(abs(total - lots_sum), currency),
                },
            )
        )
    return issues


def check_call(s: dict, lots: list[LotDraft] | None) -> list[Issue]:
    """Every rule on a call's settings; `lots` None means the lots are not being changed."""
    issues = (
        check_identity(s)
        + check_amounts(s)
        + check_ranges(s)
        + check_counts(s)
        + check_timeline(s)
        + check_eligibility(s)
        + check_grant_settings(s)
        + check_reminder_days(s)
    )
    if lots is not None:
        issues += check_lots(
            s.get("total_budget"), s.get("currency") or "", lots, s.get("grant_min")
        )
    return issues
