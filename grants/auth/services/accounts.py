"""Account and organisation use cases: registration, login, passwords, member verification
(reads: grants.auth.queries)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from grants import mail
from grants.audit import record, snapshot
from grants.auth.queries import (
    ORG_FIELDS,
    PROFILE_FIELDS,
    USER_FIELDS,
    find_user,
    joinable,
    password_link,
)
from grants.auth.services import sessions
from grants.auth.services.identity import identity_changed
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import Organisation, OrganisationType, Role, User
from grants.models.base import now_utc
from grants.models.organisations import IDENTITY_FIELDS
from grants.rules.problems import N_, Refused

_NO_USER_HASH = generate_password_hash(
    "no such account"
)  # checked when the address is unknown: same time


class EmailTaken(Refused):
    """Another account already uses this e-mail address."""

    field = "email"

    def __init__(
        self, message: str = N_("An account with this email address already exists."), **kw: object
    ) -> None:
        super().__init__(message, **kw)


class AccountInactive(Refused):
    """The password is right but the account is deactivated."""

    def __init__(
        self,
        message: str = N_("This account has been deactivated. Contact the programme staff."),
        **kw: object,
    ) -> None:
        super().__init__(message, **kw)


class NotConfirmed(Refused):
    """The member has not confirmed their e-mail address yet, so cannot be verified."""

    def __init__(
        self,
        message: str = N_(
            "This person has not confirmed their e-mail address yet. Verify them once they have."
        ),
        **kw: object,
    ) -> None:
        super().__init__(message, **kw)


def add_user(user: User) -> User:
    """Insert a new user, refusing (EmailTaken) an address already in use, even under a race."""
    user.email = user.email.strip().lower()
    if find_user(user.email) is not None:
        raise EmailTaken()
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError as exc:
        raise EmailTaken() from exc
    return user


def _organisation_values(data: dict) -> dict:
    values = {f: data[f] for f in ORG_FIELDS if f in data}
    values["type"] = OrganisationType(values["type"])
    values["country"] = values["country"].upper()
    return values


def register_organisation(org_data: dict, name: str, email: str, password: str) -> User:
    """A local authority registers itself (unverified) and its first user, a verified member."""
    org = Organisation(**_organisation_values(org_data))
    user = User(
        name=name, email=email, role=Role.applicant, organisation=org, member_verified_at=now_utc()
    )
    user.set_password(password)
    add_user(user)
    record("register", org, after=snapshot(org, ORG_FIELDS), user_id=user.id)
    record("register", user, after=snapshot(user, USER_FIELDS), user_id=user.id)
    return user


def register_member(organisation_id: int, name: str, email: str, password: str) -> User:
    """A person joins an existing verified organisation; once their address is confirmed, a verified
    member or staff verifies them (confirmation.py tells the members)."""
    org = joinable(organisation_id)
    if org is None:
        raise LookupError(organisation_id)
    user = User(name=name, email=email, role=Role.applicant, organisation_id=org.id)
    user.set_password(password)
    add_user(user)
    record("register", user, after=snapshot(user, USER_FIELDS), user_id=user.id)
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user with these credentials (AccountInactive if deactivated), or None."""
    user = find_user(email)
    if user is None:
        check_password_hash(
            _NO_USER_HASH, password
        )  # as long as a wrong password: no timing oracle
        return None
    if not user.check_password(password):
        return None
    if not user.active:
        raise AccountInactive()
    return user


def record_login(user: User) -> None:
    user.last_login_at = now_utc()
    record("login", user, user_id=user.id)


def request_password_reset(email: str) -> None:
    """E-mail a reset link to an active account with this address; say nothing either way."""
    user = find_user(email)
    if user is None or not user.active:
        return
    mail.send(
        user.email,
        _l("Reset your password"),
        "email/password_reset.txt",
        locale=user.locale,
        user=user,
        **password_link(user),
    )


def set_password(user: User, password: str) -> None:
    """Set the password from an e-mailed link, which also proves the address reaches its owner."""
    user.set_password(password)
    ended = sessions.end_all(
        user
    )  # whoever held a session of this account before the reset holds none now
    after = {"sessions_ended": ended} if ended else {}
    if user.email_confirmed_at is None:
        user.email_confirmed_at = now_utc()
        after = {"email_confirmed_at": user.email_confirmed_at}
    record("set_password", user, user_id=user.id, after=after or None)


def change_password(user: User, current: str, new: str) -> bool:
    """A signed-in user's new password, given the current one; every other session of theirs
    ends."""
    if not user.check_password(current):
        return False
    user.set_password(new)
    record(
        "change_password",
        user,
        user_id=user.id,
        after={"other_sessions_ended": sessions.end_others(user)},
    )
    return True


def verify_member(actor: User, org: Organisation, member: User) -> User:
    """Mark a pending member of org (grants.auth.access.pending_member) as verified, once their
    address is confirmed (NotConfirmed before)."""
    if not member.email_confirmed:
        raise NotConfirmed()
    member.member_verified_at = now_utc()
    member.member_verified_by_id = actor.id
    record(
        "verify_member",
        member,
        before={"member_verified_at": None},
        after=snapshot(member, ["member_verified_at", "member_verified_by_id"]),
    )
    mail.send(
        member.email,
        _l("Your membership was verified"),
        "email/member_verified.txt",
        locale=member.locale,
        member=member,
        organisation=org,
        link=url_for("auth.login", _external=True),
    )
    return member


def split_list(text: str | None) -> list[str]:
    """'culture, youth , culture' -> ['culture', 'youth']: trimmed, no blanks, no repeats."""
    items = [part.strip() for part in (text or "").split(",")]
    return list(dict.fromkeys(item for item in items if item))


def update_profile(org: Organisation, data: dict) -> dict:
    """Save the profile; the identity changes that send a verified organisation back to staff
    (identity.py)."""
    before = snapshot(org, PROFILE_FIELDS)
    for field, value in _organisation_values(data).items():
        setattr(org, field, value)
    org.seeking_partner = bool(data.get("seeking_partner"))
    org.partner_themes = split_list(data.get("partner_themes"))
    org.partner_description = data.get("partner_description") or ""
    org.partner_languages = split_list(data.get("partner_languages"))
    after = snapshot(org, PROFILE_FIELDS)
    if after != before:
        record("update", org, before=before, after=after)
    return identity_changed(org, {field: before[field] for field in IDENTITY_FIELDS})
