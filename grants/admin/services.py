"""Administration use cases: invite users, change their role, (de)activate them (the reads:
admin/queries.py)."""

from __future__ import annotations

from grants import mail
from grants.admin.forms import ROLE_LABELS
from grants.admin.queries import invitable_roles
from grants.audit import record, snapshot
from grants.auth.services import add_user, password_link
from grants.i18n import lazy_gettext as _l
from grants.models import Role, User
from grants.rules.problems import N_, Refused


class NotAllowed(Refused):
    """The acting user may not do this (e.g. invite an admin, or change their own account)."""


def invite_user(actor: User, name: str, email: str, role: Role) -> User:
    """Create an account without a password and e-mail its owner a link to choose one."""
    if role not in invitable_roles(actor):
        raise NotAllowed(N_("You do not have permission to do that."), field="role")
    user = add_user(User(name=name, email=email, role=role))
    record("invite", user, after=snapshot(user, ["email", "name", "role"]))
    mail.send(
        user.email,
        _l("You are invited to TWIN Grants"),
        "email/invitation.txt",
        user=user,
        inviter=actor,
        role=ROLE_LABELS[role],
        **password_link(user),
    )
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
    record(
        "reactivate" if active else "deactivate",
        user,
        before={"active": not active},
        after={"active": active},
    )
