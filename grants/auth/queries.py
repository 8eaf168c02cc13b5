"""Accounts and organisations as read: a user by address, the organisations one may join, the
members who act for an organisation, those waiting for verification, the profile as its form
shows it, the identity and its possible duplicates, the e-mail contexts of the account links.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import aliased

from grants.audit import snapshot
from grants.auth.tokens import password_token
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import Organisation, ReminderOptOut, Role, User
from grants.models.organisations import IDENTITY_FIELDS
from grants.rules.reminders import Kind, optional_kinds
from grants.rules.text import compact, fold

ORG_FIELDS = ["name", "type", "country", "region", "population", "legal_id", "address"]

PROFILE_FIELDS = ORG_FIELDS + [
    "seeking_partner",
    "partner_themes",
    "partner_description",
    "partner_languages",
]

USER_FIELDS = ["email", "name", "role", "organisation_id", "member_verified_at"]

JOIN_MIN_SEARCH = 3  # letters typed before the join page offers organisations

JOIN_RESULTS = 10


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def _joinable():
    return select(Organisation).where(
        Organisation.verified_at.is_not(None),
        Organisation.rejected_at.is_(None),
        Organisation.merged_into_id.is_(None),
    )


def joinable_organisations(q: str) -> list[Organisation]:
    """Verified organisations whose name holds the search (at least JOIN_MIN_SEARCH letters), a few
    at a time: the join page never lists every organisation."""
    needle = fold(q)
    if len(needle.replace(" ", "")) < JOIN_MIN_SEARCH:
        return []
    query = _joinable().where(Organisation.name_key.contains(needle, autoescape=True))
    return list(
        db.session.scalars(
            query.order_by(Organisation.name, Organisation.country).limit(JOIN_RESULTS)
        )
    )


def join_results(q: str, chosen: Organisation | None) -> list[Organisation]:
    """The organisations the join page lists for the search `q`, the one chosen first if the search
    no longer finds it."""
    results = joinable_organisations(q)
    if chosen is not None and all(org.id != chosen.id for org in results):
        results.insert(0, chosen)
    return results


def joinable(organisation_id: int | None) -> Organisation | None:
    if not organisation_id:
        return None
    return db.session.scalar(_joinable().where(Organisation.id == organisation_id))


def acting_members(organisation_ids: Iterable[int]) -> list[User]:
    """The users acting for any of these organisations (User.acts_for_organisation), by id: the
    people to tell."""
    ids = set(organisation_ids)
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id.in_(ids), User.acts_for_organisation)
            .order_by(User.id)
        )
    )


def pending_members(org: Organisation) -> list[User]:
    return db.session.scalars(
        select(User)
        .where(
            User.organisation_id == org.id, User.member_verified_at.is_(None), User.active.is_(True)
        )
        .order_by(User.created_at)
    ).all()


def profile_data(org: Organisation) -> dict:
    data = snapshot(org, PROFILE_FIELDS)
    data["partner_themes"] = ", ".join(org.partner_themes or [])
    data["partner_languages"] = ", ".join(org.partner_languages or [])
    return data


def password_link(user: User) -> dict:
    """The e-mail context for a single-use link to set the user's password."""
    return {
        "link": url_for("auth.set_password", token=password_token(user), _external=True),
        "hours": current_app.config["TOKEN_MAX_AGE"] // 3600,
    }


def next_steps() -> dict:
    """What the registering user is told about the weeks ahead (e-mail and pages share it)."""
    return {
        "days": current_app.config["VERIFICATION_WORKING_DAYS"],
        "hours": current_app.config["TOKEN_MAX_AGE"] // 3600,
    }


def is_registrant(user: User) -> bool:
    """The user registered their organisation, which staff have still to verify."""
    org = user.organisation
    return bool(org and not org.verified and not org.closed and user.member_verified_at is not None)


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


# the user's reminder choices (docs/domain.md 8): each kind that is not legally required can be
# turned off; the account page lists the kinds for the user's role
AUDIENCES = {  # who receives a kind: the roles of its audience
    "applicant": ("applicant",),
    "beneficiary": ("applicant",),
    "evaluator": ("evaluator",),
    "staff": ("staff", "admin"),
}


def kinds_for(user: User) -> list[Kind]:
    """The kinds the user may turn off: those sent to people of the user's role."""
    return [k for k in optional_kinds() if user.role.value in AUDIENCES[k.audience]]


def turned_off(user: User) -> set[str]:
    return set(
        db.session.scalars(select(ReminderOptOut.kind).where(ReminderOptOut.user_id == user.id))
    )
