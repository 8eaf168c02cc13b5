"""The register of a call's official letters as read: the letters issued, the latest of a kind,
what is left to post, the register's pages; what every letter says of itself (`letter_header`) and
a letter as a PDF. The writes (numbering, issuing, e-mailing, recording a posting) are in
services.py."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date as date_
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from grants.auth.queries import acting_members
from grants.extensions import db
from grants.models import ApplicationStage, Call, IssuedLetter, LetterKind, Lot, User
from grants.settings.queries import logo_bytes
from reports.letters import Letter, Letterhead, letter_from_json, letter_pdf

PER_PAGE = 100


def complaint_by(call: Call, date: datetime) -> date_:
    """The last day to complain about a letter of this date: the call's days later, in its time
    zone."""
    return date.astimezone(ZoneInfo(call.timezone)).date() + timedelta(days=call.complaint_days)


def letter_header(
    call: Call,
    stage: ApplicationStage,
    date: datetime,
    *,
    lot: Lot | None,
    letterhead: Letterhead,
) -> dict:
    """What every letter of the call says of itself, its application and its sender (the arguments
    of `Letter` that a decision letter and an admissibility letter share). The title and the lead
    are as submitted: a later rename of the lead never reaches the letter."""
    application = stage.application
    kept = stage.submitted_version or {}
    lead = kept.get("lead") or {
        "name": application.lead.name,
        "country": application.lead.country,
    }
    return {
        "call_reference": call.reference,
        "call_title": call.title,
        "currency": call.currency,
        "timezone": call.timezone,
        "date": date,
        "reference": application.reference,
        "title": kept.get("title", application.title),
        "lead_name": lead["name"],
        "lead_country": lead["country"],
        "lead_address": application.lead.address or "",
        "lot_name": f"{lot.code} – {lot.name}" if lot else "",
        "stage": stage.stage.value,
        "outcome": stage.status.value,
        "requested_grant": stage.requested_grant_or_application,
        "inadmissible_reasons": tuple(stage.inadmissible_reasons or ()),
        "letterhead": letterhead,
        "complaint_days": call.complaint_days,
        "complaint_by": complaint_by(call, date),
    }


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


def decision_letters(call_id: int, among: Collection[int] | None = None) -> dict[int, IssuedLetter]:
    """Application id -> its decision letter as issued at finalisation (of the applications `among`,
    if given)."""
    query = select(IssuedLetter).where(
        IssuedLetter.call_id == call_id, IssuedLetter.kind == LetterKind.decision
    )
    if among is not None:
        query = query.where(IssuedLetter.application_id.in_(among))
    return {
        row.application_id: row for row in db.session.scalars(query.order_by(IssuedLetter.number))
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
