"""An organisation's identity: re-verification after a change, duplicates, and telling staff.

The identity is what staff check against the official register (IDENTITY_FIELDS: name, type,
country, legal identifier). Once verified, changing any of it sends the organisation back to staff:
it stops being verified (its members cannot act, so it cannot submit) until staff verify it again.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from grants import mail
from grants.audit import record, snapshot
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import Organisation, Role, User
from grants.models.base import now_utc
from grants.models.organisations import IDENTITY_FIELDS
from grants.rules.text import compact, fold

IDENTITY_LABELS = {
    "name": _l("Name of the local authority"),
    "type": _l("Type of organisation"),
    "country": _l("Country"),
    "legal_id": _l("Legal identifier"),
}


def identity(org: Organisation) -> dict:
    return snapshot(org, list(IDENTITY_FIELDS))


def duplicates_of(name: str, legal_id: str, exclude: int | None = None) -> list[Organisation]:
    """Open organisations (not rejected, not merged) with the same name or legal identifier,
    compared folded: whatever the case, spacing, punctuation and Turkish or accented letters."""
    matches = [Organisation.name_key == fold(name)[:200]] if fold(name) else []
    if compact(legal_id):
        matches.append(Organisation.legal_id_key == compact(legal_id)[:64])
    if not matches:
        return []
    query = select(Organisation).where(
        or_(*matches), Organisation.rejected_at.is_(None), Organisation.merged_into_id.is_(None)
    )
    if exclude is not None:
        query = query.where(Organisation.id != exclude)
    return list(
        db.session.scalars(query.order_by(Organisation.verified_at.is_(None), Organisation.id))
    )


def duplicates(org: Organisation) -> list[Organisation]:
    return duplicates_of(org.name, org.legal_id, exclude=org.id)


def with_duplicates(ids: list[int]) -> set[int]:
    """Which of these organisations share a folded name or legal identifier with another open
    one."""
    if not ids:
        return set()
    other = aliased(Organisation)
    found = db.session.scalars(
        select(Organisation.id)
        .join(
            other,
            (other.id != Organisation.id)
            & (
                (other.name_key == Organisation.name_key)
                | (
                    (other.legal_id_key == Organisation.legal_id_key)
                    & (Organisation.legal_id_key != "")
                )
            ),
        )
        .where(
            Organisation.id.in_(ids), other.rejected_at.is_(None), other.merged_into_id.is_(None)
        )
    )
    return set(found)


def staff_members() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.role.in_([Role.staff, Role.admin]), User.active.is_(True))
            .order_by(User.id)
        )
    )


def tell_staff(subject, template: str, org: Organisation, **context) -> None:
    """E-mail every active staff member (and administrator) about this organisation."""
    link = url_for("admin.organisation", org_id=org.id, _external=True)
    for member in staff_members():
        mail.send(
            member.email,
            subject,
            template,
            locale=member.locale,
            member=member,
            organisation=org,
            link=link,
            duplicates=duplicates(org),
            labels=IDENTITY_LABELS,
            **context,
        )


def identity_changed(org: Organisation, before: dict) -> dict:
    """After a profile save: if a verified organisation's identity changed, it goes back to staff.

    Returns the changes ({field: [verified value, new value]}), empty if none need a new
    verification.
    """
    after = identity(org)
    changes = {
        field: [before[field], after[field]]
        for field in IDENTITY_FIELDS
        if before[field] != after[field]
    }
    if not changes or not org.verified:
        return {}
    was = {"verified_at": org.verified_at, "verified_by_id": org.verified_by_id}
    org.verified_at = org.verified_by_id = None
    org.identity_changed_at = now_utc()
    org.identity_changes = changes
    record(
        "identity_changed",
        org,
        before={**was, **before},
        after={"verified_at": None, **after, "changes": changes},
    )
    tell_staff(
        _l("%(name)s changed its identity: verify it again", name=org.name),
        "email/staff_identity_changed.txt",
        org,
        changes=changes,
    )
    return changes
