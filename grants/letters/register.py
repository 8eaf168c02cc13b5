"""The register of a call's official letters: numbering, issuing, e-mailing, and what is left to
post.

A letter is issued once (a decision at finalisation, an admissibility result when staff record the
check): it takes the call's next letter number, atomically (a counter on the call row, like the
application references: no gaps, no duplicates, also under concurrency; a rolled-back request gives
its numbers back), and keeps what it says. It is then e-mailed, as a PDF in each member's language,
to every member acting for the lead organisation (a verified member of a verified organisation).
A letter e-mailed to nobody is to be sent by post or registered e-mail: staff download it and
record when it went. The caller's unit of work commits (a request's: grants/unit_of_work.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date as date_
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from grants import mail
from grants.audit import record
from grants.auth.services import acting_members
from grants.extensions import db
from grants.models import Application, ApplicationStage, Call, IssuedLetter, LetterKind, User
from grants.models.base import now_utc
from grants.settings.services import logo_bytes
from reports.letters import Letter, letter_from_json, letter_pdf, letter_to_json

PER_PAGE = 100


def letter_number(call_reference: str, number: int) -> str:
    """'TTGS-2027/L/007': the call's reference, L for letter, the number (three digits at least)."""
    return f"{call_reference}/L/{number:03d}"


def take_numbers(call: Call, count: int) -> int:
    """The first of `count` consecutive letter numbers of the call, taken atomically."""
    first = db.session.execute(
        update(Call)
        .where(Call.id == call.id)
        .values(next_letter_number=Call.next_letter_number + count)
        .returning(Call.next_letter_number - count)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.session.expire(call, ["next_letter_number"])
    return first


def issue(
    call: Call,
    kind: LetterKind,
    letters: Iterable[tuple[ApplicationStage, Letter]],
    user_id: int | None,
) -> list[tuple[IssuedLetter, Letter]]:
    """Number the letters in the given order and keep them in the register; each with its numbered
    letter."""
    letters = list(letters)
    if not letters:
        return []
    first = take_numbers(call, len(letters))
    issued = []
    for offset, (stage, letter) in enumerate(letters):
        number = first + offset
        letter = replace(letter, number=letter_number(call.reference, number))
        row = IssuedLetter(
            call_id=call.id,
            number=number,
            application_id=stage.application_id,
            stage_id=stage.id,
            kind=kind,
            outcome=stage.status.value,
            issued_at=letter.date,
            issued_by_id=user_id,
            content=letter_to_json(letter),
        )
        db.session.add(row)
        issued.append((row, letter))
    db.session.flush()
    return issued


def complaint_by(call: Call, date: datetime) -> date_:
    """The last day to complain about a letter of this date: the call's days later, in its time
    zone."""
    return date.astimezone(ZoneInfo(call.timezone)).date() + timedelta(days=call.complaint_days)


def render_pdf(letter: Letter, locale: str) -> bytes:
    """The letter as a PDF in the given language, with the logo of its letterhead."""
    with force_locale(locale):
        return letter_pdf(
            current_app.jinja_env, letter, locale, logo_bytes(letter.letterhead.logo_file)
        )


def lead_members(organisation_ids: Iterable[int]) -> dict[int, list[User]]:
    """Organisation id -> the users acting for it (User.acts_for_organisation)."""
    members: dict[int, list[User]] = {}
    for user in acting_members(organisation_ids):
        members.setdefault(user.organisation_id, []).append(user)
    return members


@dataclass
class Delivery:
    """How the applicants were told of the letters just issued."""

    emails: int = 0  # e-mails queued
    told: list[IssuedLetter] = field(default_factory=list)  # e-mailed to at least one member
    not_told: list[IssuedLetter] = field(
        default_factory=list
    )  # e-mailed to nobody: to send by post


def email(
    issued: list[tuple[IssuedLetter, Letter]],
    members: dict[int, list[User]],
    subject: Callable[[Letter], object],
    template: str,
    **context,
) -> Delivery:
    """E-mail each letter (PDF attached, one per language) to the members of its application's lead.

    `members`: lead organisation id -> members; `subject`: the letter's subject (a lazy text)."""
    delivery = Delivery()
    leads = (
        dict(
            db.session.execute(
                select(Application.id, Application.lead_id).where(
                    Application.id.in_({row.application_id for row, _ in issued})
                )
            ).all()
        )
        if issued
        else {}
    )
    for row, letter in issued:
        pdfs: dict[str, bytes] = {}
        for member in members.get(leads[row.application_id], []):
            locale = member.locale or current_app.config["BABEL_DEFAULT_LOCALE"]
            if locale not in pdfs:
                pdfs[locale] = render_pdf(letter, locale)
            mail.send(
                member.email,
                subject(letter),
                template,
                locale=locale,
                about=row.application_id,
                attachment=(letter.file_name, pdfs[locale]),
                member=member,
                letter=letter,
                **context,
            )
            row.emailed += 1
        delivery.emails += row.emailed
        (delivery.told if row.emailed else delivery.not_told).append(row)
    db.session.flush()
    return delivery


# The register as staff read it ------------------------------------------------------------------


def letter_of(row: IssuedLetter) -> Letter:
    return letter_from_json(row.content)


def issued_letter(call_id: int, letter_id: int) -> IssuedLetter | None:
    return db.session.scalar(
        select(IssuedLetter).where(IssuedLetter.id == letter_id, IssuedLetter.call_id == call_id)
    )


def latest(call_id: int, application_id: int, kind: LetterKind) -> IssuedLetter | None:
    """The application's last letter of this kind (an admissibility check decided again has two)."""
    return db.session.scalar(
        select(IssuedLetter)
        .where(
            IssuedLetter.call_id == call_id,
            IssuedLetter.application_id == application_id,
            IssuedLetter.kind == kind,
        )
        .order_by(IssuedLetter.number.desc())
        .limit(1)
    )


def decision_letters(call_id: int) -> dict[int, IssuedLetter]:
    """Application id -> its decision letter as issued at finalisation."""
    return {
        row.application_id: row
        for row in db.session.scalars(
            select(IssuedLetter)
            .where(IssuedLetter.call_id == call_id, IssuedLetter.kind == LetterKind.decision)
            .order_by(IssuedLetter.number)
        )
    }


def _to_post(call_id: int, kind: LetterKind | None = None):
    query = select(IssuedLetter).where(
        IssuedLetter.call_id == call_id, IssuedLetter.emailed == 0, IssuedLetter.posted_at.is_(None)
    )
    return query.where(IssuedLetter.kind == kind) if kind is not None else query


def to_post(call_id: int, kind: LetterKind | None = None) -> list[IssuedLetter]:
    """The letters e-mailed to nobody and not yet recorded as sent another way, in number order."""
    return list(
        db.session.scalars(
            _to_post(call_id, kind)
            .options(joinedload(IssuedLetter.application))
            .order_by(IssuedLetter.number)
        )
    )


def to_post_count(call_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(_to_post(call_id).subquery()))


def register_page(call_id: int, page: int) -> Pagination:
    return db.paginate(
        select(IssuedLetter)
        .where(IssuedLetter.call_id == call_id)
        .options(joinedload(IssuedLetter.application), joinedload(IssuedLetter.posted_by))
        .order_by(IssuedLetter.number),
        page=page,
        per_page=PER_PAGE,
        error_out=False,
    )


def record_posted(row: IssuedLetter, reference: str, user_id: int) -> None:
    """Staff sent the letter by post or registered e-mail (with its tracking number, if any)."""
    before = {"posted_at": row.posted_at, "post_reference": row.post_reference}
    row.posted_at, row.posted_by_id, row.post_reference = now_utc(), user_id, reference.strip()
    db.session.flush()
    record(
        "letter.posted",
        row,
        before=before,
        after={
            "posted_at": row.posted_at,
            "post_reference": row.post_reference,
            "number": row.number,
        },
        user_id=user_id,
    )
