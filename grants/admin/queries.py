"""Administration reads: an organisation's members, the users list, the roles an actor may give, the
e-mail outbox with the links that act for their recipient masked. The list of organisations staff
check (organisations_page)."""

from __future__ import annotations

import re

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import case, or_, select
from sqlalchemy.orm import selectinload

from grants.extensions import db
from grants.models import (
    Organisation,
    OutboxMessage,
    Role,
    User,
)
from grants.rules.text import compact, fold

PER_PAGE = 50

ORG_STATUSES = ("all", "unverified", "verified", "closed")

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


def _open():
    return (Organisation.rejected_at.is_(None)) & (Organisation.merged_into_id.is_(None))


def organisations_page(status: str, q: str = "") -> Pagination:
    """Changed since verification first, then the other unverified ones, the verified, the closed;
    by name."""
    rank = case(
        (~_open(), 3),
        (Organisation.identity_changed_at.is_not(None) & Organisation.verified_at.is_(None), 0),
        (Organisation.verified_at.is_(None), 1),
        else_=2,
    )
    query = select(Organisation).order_by(rank, Organisation.name, Organisation.id)
    if status == "unverified":
        query = query.where(Organisation.verified_at.is_(None), _open())
    elif status == "verified":
        query = query.where(Organisation.verified_at.is_not(None))
    elif status == "closed":
        query = query.where(~_open())
    if fold(q):  # name or legal identifier, whatever the case and the Turkish or accented letters
        matches = [Organisation.name_key.contains(fold(q), autoescape=True)]
        if compact(q):
            matches.append(Organisation.legal_id_key.contains(compact(q), autoescape=True))
        query = query.where(or_(*matches))
    return db.paginate(query, per_page=PER_PAGE, error_out=False)
