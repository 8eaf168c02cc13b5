"""Confirming an account's e-mail address by a signed link, and what a confirmed registration sets
going.

A registered account cannot act (start or edit applications, confirm partnerships, be verified as a
member) until its owner opens the link sent to the address (User.acts_for_organisation). Once
confirmed, a new organisation's registration is announced to staff, and a newcomer to an
organisation to its members.
"""

from __future__ import annotations

from flask import url_for
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from grants import mail
from grants.audit import record
from grants.auth.queries import acting_members, find_user, is_registrant, next_steps
from grants.auth.services.accounts import EmailTaken
from grants.auth.services.identity import tell_staff
from grants.auth.tokens import email_token
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import User
from grants.models.base import now_utc
from grants.rules.problems import N_

TAKEN = N_("An account with this email address already exists. Log in instead.")


def send_confirmation(user: User) -> None:
    link = url_for("auth.confirm_email_link", token=email_token(user), _external=True)
    mail.send(
        user.email,
        _l("Confirm your e-mail address"),
        "email/confirm_email.txt",
        locale=user.locale,
        user=user,
        organisation=user.organisation,
        registrant=is_registrant(user),
        link=link,
        **next_steps(),
    )


def tell_owner(email: str) -> None:
    """Someone registered with an address that has an account already: tell its owner, not the
    visitor."""
    owner = find_user(email)
    if owner is not None and owner.active:
        mail.send(
            owner.email,
            _l("Someone tried to register with your e-mail address"),
            "email/registration_address_taken.txt",
            locale=owner.locale,
            user=owner,
            login=url_for("auth.login", _external=True),
            reset=url_for("auth.reset_request", _external=True),
        )


def correct_address(user: User, email: str) -> None:
    """Replace a mistyped address before it is confirmed (EmailTaken if another account has it);
    links sent to the earlier address stop working, since a token names the address it was sent
    to."""
    if user.email_confirmed or email == user.email:
        return
    if find_user(email) is not None:
        raise EmailTaken(TAKEN)
    before = {"email": user.email}
    try:
        with db.session.begin_nested():
            user.email = email
            db.session.flush()
    except IntegrityError as exc:
        raise EmailTaken(TAKEN) from exc
    record("correct_email", user, before=before, after={"email": email}, user_id=user.id)
    send_confirmation(user)


def mark_confirmed(user: User) -> bool:
    """Record the confirmation once (a conditional UPDATE: two clicks on the link confirm once)."""
    done = db.session.execute(
        update(User)
        .where(User.id == user.id, User.email_confirmed_at.is_(None))
        .values(email_confirmed_at=now_utc())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(user)
    if done.rowcount == 0:
        return False
    record(
        "confirm_email",
        user,
        before={"email_confirmed_at": None},
        after={"email_confirmed_at": user.email_confirmed_at, "email": user.email},
        user_id=user.id,
    )
    return True


def confirm_email(user: User) -> bool:
    """Confirm the address and tell whoever must now act: staff for a new organisation, members for
    a newcomer."""
    if not mark_confirmed(user):
        return False
    org = user.organisation
    if is_registrant(user):
        tell_staff(
            _l("New registration to verify: %(name)s", name=org.name),
            "email/staff_new_registration.txt",
            org,
            registrant=user,
        )
    elif org is not None and org.verified and user.member_verified_at is None:
        for member in acting_members([org.id]):
            mail.send(
                member.email,
                _l("A new member waits for verification"),
                "email/member_pending.txt",
                locale=member.locale,
                member=member,
                newcomer=user,
                organisation=org,
                link=url_for("auth.organisation", _external=True),
            )
    return True
