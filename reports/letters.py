"""Official letters (PDF) from plain data: the decision letter and the admissibility letter.

A letter is rendered from templates/reports/decision_letter.html or admissibility_letter.html with
a Jinja environment the caller passes in: the application's own, whose gettext and `money`,
`points`, `local_date` and `country_name` filters follow the locale active while rendering (the
caller chooses it, e.g. with flask_babel.force_locale). The letterhead's logo comes in as bytes.
This module imports no Flask and touches no database.

`letter_to_json` / `letter_from_json` keep a letter as JSON-safe data, for the register of issued
letters: a copy printed later says exactly what the letter said when it was issued.
"""

from __future__ import annotations

import base64
import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import UnionType
from typing import Any, Union, get_args, get_origin, get_type_hints

from jinja2 import Environment
from weasyprint import HTML

from grants.rules import transitions
from reports.fonts import font_config

TEMPLATES = {
    "decision": "reports/decision_letter.html",
    "admissibility": "reports/admissibility_letter.html",
}
ADVERSE = {
    status.value for status in transitions.ADVERSE
}  # letters receive statuses as their values


@dataclass(frozen=True)
class SectionScore:
    code: str
    title: (
        str  # in English; `title_tr` in Turkish (the letter shows its language's, else the other)
    )
    score: Decimal  # the section's final score
    maximum: int
    threshold: Decimal | None
    title_tr: str = ""


@dataclass(frozen=True)
class MissedThreshold:
    section: str  # "" for the total
    title: str
    score: Decimal
    threshold: Decimal
    title_tr: str = ""


@dataclass(frozen=True)
class Letterhead:
    """The sender as the letter presents it; texts per language ("en", "tr")."""

    name: dict[str, str] = field(default_factory=dict)
    address: str = ""
    logo_file: str | None = None  # the stored logo (its bytes are passed in when rendering)
    logo_type: str | None = None
    signatory_name: str = ""
    signatory_title: dict[str, str] = field(default_factory=dict)
    complaints_body: dict[str, str] = field(default_factory=dict)  # empty: the authority itself
    complaints_address: str = ""  # empty: the authority's address

    def text(self, part: str, lang: str) -> str:
        values = getattr(self, part)
        return values.get(lang) or values.get("en") or ""


@dataclass(frozen=True)
class Reason:
    """Why the decision is what it is, as far as the letter tells it (grants.awards.queries.letters
    works it out).

    When staff set the current decision (an override or a promotion), `by_staff` and their written
    `justification`. Otherwise, for a decision of the award walk, the walk's reason `why` (fits,
    above_max, does_not_fit, after_stop), the budget `remaining` then, the `stop_rank` of a strict
    walk, and whether the reserve list was full; the budget `left` now; and whether applications
    ranked lower were awarded (or shortlisted), by the award rule or by staff.
    """

    by_staff: bool = False
    justification: str = ""
    why: str | None = None
    remaining: Decimal | None = None
    stop_rank: int | None = None
    reserve_full: bool = False
    reserve_list_length: int | None = None
    max_grant: Decimal | None = None
    left: Decimal | None = None  # the lot's budget not awarded at the date of the letter
    lower_chosen_by_rule: bool = False
    lower_chosen_by_staff: bool = False


@dataclass(frozen=True)
class Letter:
    call_reference: str
    call_title: str
    currency: str
    timezone: str
    date: datetime
    reference: str
    title: str
    lead_name: str
    lead_country: str
    stage: str  # concept_note or full_application
    outcome: (
        str  # the stage's status: awarded, reserve, not_selected, below_threshold, inadmissible...
    )
    requested_grant: Decimal
    kind: str = (
        "decision"  # or "admissibility": the result of the administrative and eligibility check
    )
    number: str | None = None  # e.g. TTGS-2027/L/007; None when not issued
    draft: bool = False  # a preview of a letter not issued yet (it says so)
    lead_address: str = ""
    lot_name: str = ""
    awarded_amount: Decimal | None = None
    total: Decimal | None = None  # the final score
    max_total: int | None = None
    pass_threshold: Decimal | None = None
    sections: tuple[SectionScore, ...] = ()
    missed: tuple[MissedThreshold, ...] = ()
    rank: int | None = None  # in its lot's ranking
    ranked: int | None = None  # how many applications that ranking holds
    reserve_position: int | None = None  # place on the lot's reserve list
    inadmissible_reasons: tuple[str, ...] = ()
    reason: Reason = field(default_factory=Reason)
    letterhead: Letterhead = field(default_factory=Letterhead)
    complaint_days: int | None = None
    complaint_by: date | None = None  # the last day to complain, in the call's time zone

    @property
    def file_name(self) -> str:
        suffix = "admissibility" if self.kind == "admissibility" else "decision"
        return f"{self.reference}-{suffix}.pdf"

    @property
    def reduced(self) -> bool:
        return (
            self.outcome == "awarded"
            and self.awarded_amount is not None
            and self.awarded_amount < self.requested_grant
        )

    @property
    def adverse(self) -> bool:
        """A decision the applicant may complain about: a refusal, or a grant less than
        requested."""
        return self.outcome in ADVERSE or self.reduced


def render_letter(
    env: Environment, letter: Letter, lang: str = "en", logo: bytes | None = None
) -> str:
    """The letter as HTML (user text escaped by the environment's autoescape)."""
    source = None
    if logo and letter.letterhead.logo_type:
        source = f"data:{letter.letterhead.logo_type};base64,{base64.b64encode(logo).decode()}"
    return env.get_template(TEMPLATES[letter.kind]).render(letter=letter, lang=lang, logo=source)


def letter_pdf(
    env: Environment, letter: Letter, lang: str = "en", logo: bytes | None = None
) -> bytes:
    """A tagged PDF whose title and language are set."""
    return HTML(string=render_letter(env, letter, lang, logo)).write_pdf(
        pdf_tags=True, font_config=font_config()
    )


# Keeping a letter as JSON -------------------------------------------------------------------------


def letter_to_json(letter: Letter) -> dict:
    """The letter as JSON-safe data: amounts as strings (never floats), times in ISO 8601 with
    offset."""

    def plain(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, date):  # datetimes too
            return value.isoformat()
        return value

    return plain(dataclasses.asdict(letter))


def letter_from_json(data: dict) -> Letter:
    """The letter kept by `letter_to_json`, with its Decimals, dates and parts back."""
    return _revive(Letter, data)


def _revive(cls: type, data: dict) -> Any:
    hints = get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    return cls(
        **{name: _value(hints[name], value) for name, value in data.items() if name in known}
    )


def _value(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    if get_origin(hint) in (Union, UnionType):  # X | None
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
    if get_origin(hint) is tuple:
        return tuple(_value(get_args(hint)[0], item) for item in value)
    if dataclasses.is_dataclass(hint):
        return _revive(hint, value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if hint is date:
        return date.fromisoformat(value)
    if hint is Decimal:
        return Decimal(value)
    return value
