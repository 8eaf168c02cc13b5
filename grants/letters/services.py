"""The register of a call's official letters: numbering, issuing, e-mailing, and what is left to
post (the reads: queries.py).

A letter is issued once (a decision at finalisation, an admissibility result when staff record the
check): it takes the call's next letter number, atomically (a counter on the call row, like the
application references: no gaps, no duplicates, also under concurrency; a rolled-back request gives
its numbers back), and keeps what it says. It is then e-mailed, as a PDF in each member's language,
to every member acting for the lead organisation (a verified member of a verified organisation);
its PDFs are kept once rendered (grants/letters/documents.py).
A letter e-mailed to nobody is to be sent by post or registered e-mail: staff download it and
record when it went. The caller's unit of work commits (a request's: grants/unit_of_work.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from flask import current_app
from sqlalchemy import select, update

from grants import mail
from grants.audit import record
from grants.extensions import db
from grants.letters.documents import defer_prerender, stored_letter
from grants.models import Application, ApplicationStage, Call, IssuedLetter, LetterKind, User
from grants.models.base import now_utc
from reports.letters import Letter, letter_to_json


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
    defer_prerender([row for row, _letter in issued])  # kept in every language after the commit
    return issued


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
                pdfs[locale] = stored_letter(letter, locale)
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
