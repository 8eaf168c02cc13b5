"""Administration reads: an organisation's members, the users list, the roles an actor may give, the
e-mail outbox with the links that act for their recipient masked."""

from __future__ import annotations

import re

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from grants.extensions import db
from grants.models import Organisation, OutboxMessage, Role, User
from grants.rules.text import fold

PER_PAGE = 50
# links that act for their recipient: set a password, confirm an address, register an invited
# partner
_TOKEN_LINK = re.compile(r"(/auth/password/|/auth/confirm/|/partners/register/)[\w.~-]+")


def members(org: Organisation) -> list[User]:
    return db.session.scalars(
        select(User)
        .where(User.organisation_id == org.id)
        .order_by(User.member_verified_at.is_not(None), User.name)
    ).all()


def users_page(q: str, role: str) -> Pagination:
    query = (
        select(User)
        .options(selectinload(User.organisation))
        .order_by(User.created_at.desc(), User.id.desc())
    )
    # the name whatever the case and the Turkish or accented letters (folded key), or the address
    if q.strip():
        query = query.where(
            or_(
                User.email.contains(q.strip().lower(), autoescape=True),
                User.name_key.contains(fold(q) or q.strip(), autoescape=True),
            )
        )
    if role in {r.value for r in Role}:
        query = query.where(User.role == Role(role))
    return db.paginate(query, per_page=PER_PAGE)


def invitable_roles(actor: User) -> list[Role]:
    roles = [Role.evaluator, Role.staff]
    return roles + [Role.admin] if actor.role is Role.admin else roles


def readable_body(message: OutboxMessage) -> str:
    """The body as the outbox shows it, whatever its status: the token of every link that acts for
    its recipient is masked, so that no administrator can set someone's password or take their
    invitation (docs/security.md L10). Without a mail server the whole message is in the server's
    log."""
    return _TOKEN_LINK.sub(r"\1[…]", message.body)


def outbox_page() -> Pagination:
    return db.paginate(
        select(OutboxMessage).order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()),
        per_page=PER_PAGE,
    )
