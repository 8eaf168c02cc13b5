"""Administration use cases: organisations to verify, users and roles, the e-mail outbox."""
from __future__ import annotations

import re

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from grants import mail
from grants.admin.forms import ROLE_LABELS
from grants.audit import record, snapshot
from grants.auth.services import add_user, password_link
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import Organisation, OutboxMessage, Role, User
from grants.rules.problems import N_, Refused
from grants.rules.text import fold

PER_PAGE = 50
# links that act for their recipient: set a password, confirm an address, register an invited partner
_TOKEN_LINK = re.compile(r"(/auth/password/|/auth/confirm/|/partners/register/)[\w.~-]+")


class NotAllowed(Refused):
    """The acting user may not do this (e.g. invite an admin, or change their own account)."""


def members(org: Organisation) -> list[User]:
    return db.session.scalars(select(User).where(User.organisation_id == org.id)
                              .order_by(User.member_verified_at.is_not(None), User.name)).all()


def users_page(q: str, role: str) -> Pagination:
    query = select(User).options(selectinload(User.organisation)).order_by(User.created_at.desc(), User.id.desc())
    if q.strip():  # the name whatever the case and the Turkish or accented letters (folded key), or the address
        query = query.where(or_(User.email.contains(q.strip().lower(), autoescape=True),
                                User.name_key.contains(fold(q) or q.strip(), autoescape=True)))
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return db.paginate(query, per_page=PER_PAGE)


def invitable_roles(actor: User) -> list[Role]:
    roles = [Role.evaluator, Role.staff]
    return roles + [Role.admin] if actor.role is Role.admin else roles


def invite_user(actor: User, name: str, email: str, role: Role) -> User:
    """Create an account without a password and e-mail its owner a link to choose one."""
    if role not in invitable_roles(actor):
        raise NotAllowed(N_("You do not have permission to do that."), field="role")
    user = add_user(User(name=name, email=email, role=role))
    record("invite", user, after=snapshot(user, ["email", "name", "role"]))
    mail.send(user.email, _l("You are invited to TWIN Grants"), "email/invitation.txt", user=user, inviter=actor,
              role=ROLE_LABELS[role], **password_link(user))
    return user


def change_role(actor: User, user: User, role: Role) -> None:
    if user.id == actor.id:
        raise NotAllowed(N_("You cannot change your own role."))
    if user.role is role:
        return
    before = snapshot(user, ["role"])
    user.role = role
    record("change_role", user, before=before, after=snapshot(user, ["role"]))


def set_active(actor: User, user: User, active: bool) -> None:
    if user.id == actor.id:
        raise NotAllowed(N_("You cannot deactivate your own account."))
    if user.active is active:
        return
    user.active = active
    record("reactivate" if active else "deactivate", user, before={"active": not active}, after={"active": active})


def readable_body(message: OutboxMessage) -> str:
    """The body as the outbox shows it, whatever its status: the token of every link that acts for its
    recipient is masked, so that no administrator can set someone's password or take their invitation
    (docs/security.md L10). Without a mail server the whole message is in the server's log."""
    return _TOKEN_LINK.sub(r"\1[…]", message.body)


def outbox_page() -> Pagination:
    return db.paginate(select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
                       per_page=PER_PAGE)
