"""Administration use cases: organisations to verify, users and roles, the e-mail outbox."""
from __future__ import annotations

import re

from flask import url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from grants import mail
from grants.admin.forms import ROLE_LABELS
from grants.audit import record, snapshot
from grants.auth.services import add_user, password_link
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import MailStatus, Organisation, OutboxMessage, Role, User
from grants.models.base import now_utc
from grants.partners import pending

PER_PAGE = 50
_PASSWORD_LINK = re.compile(r"(/auth/password/)[\w.-]+")
ORG_STATUSES = ("all", "unverified", "verified")


class NotAllowed(Exception):
    """The acting user may not do this (e.g. invite an admin, or change their own account)."""


def organisations_page(status: str) -> Pagination:
    query = select(Organisation).order_by(Organisation.verified_at.is_not(None), Organisation.name, Organisation.id)
    if status == "unverified":
        query = query.where(Organisation.verified_at.is_(None))
    elif status == "verified":
        query = query.where(Organisation.verified_at.is_not(None))
    return db.paginate(query, per_page=PER_PAGE)


def members(org: Organisation) -> list[User]:
    return db.session.scalars(select(User).where(User.organisation_id == org.id)
                              .order_by(User.member_verified_at.is_not(None), User.name)).all()


def verify_organisation(actor: User, org: Organisation) -> None:
    if org.verified:
        return
    if pending.awaiting_registration(org):
        raise NotAllowed(org.id)
    org.verified_at = now_utc()
    org.verified_by_id = actor.id
    record("verify", org, before={"verified_at": None}, after=snapshot(org, ["verified_at", "verified_by_id"]))
    for member in members(org):
        if member.acts_for_organisation:
            mail.send(member.email, _l("Your organisation was verified"), "email/organisation_verified.txt",
                      locale=member.locale, member=member, organisation=org,
                      link=url_for("auth.organisation", _external=True))
    pending.tell_verified(org)  # its partnerships waiting for its answer


def users_page(q: str, role: str) -> Pagination:
    query = select(User).options(selectinload(User.organisation)).order_by(User.created_at.desc(), User.id.desc())
    if q:
        needle = q.strip().lower()
        query = query.where(or_(User.email.contains(needle, autoescape=True),
                                func.lower(User.name).contains(needle, autoescape=True)))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return db.paginate(query, per_page=PER_PAGE)


def invitable_roles(actor: User) -> list[Role]:
    roles = [Role.evaluator, Role.staff]
    return roles + [Role.admin] if actor.role is Role.admin else roles


def invite_user(actor: User, name: str, email: str, role: Role) -> User:
    """Create an account without a password and e-mail its owner a link to choose one."""
    if role not in invitable_roles(actor):
        raise NotAllowed(role)
    user = add_user(User(name=name, email=email, role=role))
    record("invite", user, after=snapshot(user, ["email", "name", "role"]))
    mail.send(user.email, _l("You are invited to TWIN Grants"), "email/invitation.txt", user=user, inviter=actor,
              role=ROLE_LABELS[role], **password_link(user))
    return user


def change_role(actor: User, user: User, role: Role) -> None:
    if user.id == actor.id:
        raise NotAllowed("own role")
    if user.role is role:
        return
    before = snapshot(user, ["role"])
    user.role = role
    record("change_role", user, before=before, after=snapshot(user, ["role"]))


def set_active(actor: User, user: User, active: bool) -> None:
    if user.id == actor.id:
        raise NotAllowed("own account")
    if user.active is active:
        return
    user.active = active
    record("reactivate" if active else "deactivate", user, before={"active": not active}, after={"active": active})


def readable_body(message: OutboxMessage) -> str:
    """The body as the outbox shows it: once delivered, its password links are masked, since they
    would let the reader set the recipient's password."""
    if message.status is not MailStatus.sent:
        return message.body
    return _PASSWORD_LINK.sub(r"\1[…]", message.body)


def outbox_page() -> Pagination:
    return db.paginate(select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
                       per_page=PER_PAGE)
