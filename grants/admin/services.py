"""Administration use cases: invite users, change their role, (de)activate them; verify, reject
and merge organisations (the reads: admin/queries.py)."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import func, null, select, update

from grants import mail
from grants.admin.forms import ROLE_LABELS
from grants.admin.queries import _open, invitable_roles
from grants.audit import record, snapshot
from grants.auth.queries import acting_members, duplicates, password_link
from grants.auth.services.accounts import add_user
from grants.extensions import db
from grants.i18n import lazy_gettext as _l
from grants.models import (
    Application,
    Attachment,
    BudgetLine,
    Organisation,
    OrganisationType,
    Partner,
    Role,
    User,
)
from grants.models.base import now_utc
from grants.models.organisations import IDENTITY_FIELDS
from grants.partners import queries as partner_queries
from grants.partners.services import invitations
from grants.rules import problems
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


class OrganisationRefused(problems.Refused):
    """Staff may not do this to the organisation now; the message says why."""


def verify_organisation(actor: User, org: Organisation, seen: dict | None = None) -> None:
    """Verify the organisation as staff saw it (`seen`: its identity on their page), once
    (conditional UPDATE)."""
    if org.verified:
        return
    if partner_queries.awaiting_registration(org):
        raise OrganisationRefused(
            N_(
                "Nobody has registered %(name)s yet: it was invited as a partner. It can be "
                "verified once "
                "its contact person has registered and completed its details."
            ),
            name=org.name,
        )
    query = update(Organisation).where(
        Organisation.id == org.id, Organisation.verified_at.is_(None), _open()
    )
    if seen:
        if seen.get("type") not in OrganisationType._value2member_map_:
            raise OrganisationRefused(
                N_(
                    "The organisation changed while you were reading it. Check it again, then "
                    "verify it."
                )
            )
        query = query.where(
            *(
                getattr(Organisation, field)
                == (OrganisationType(seen[field]) if field == "type" else seen.get(field, ""))
                for field in IDENTITY_FIELDS
            )
        )
    before = snapshot(org, ["verified_at", "identity_changed_at", "identity_changes"])
    done = db.session.execute(
        query.values(
            verified_at=now_utc(),
            verified_by_id=actor.id,
            identity_changed_at=None,
            identity_changes=null(),
        ).execution_options(synchronize_session=False)
    )
    db.session.refresh(org)
    if done.rowcount == 0:
        if org.closed:
            raise OrganisationRefused(
                N_("This organisation was rejected or merged: it cannot be verified.")
            )
        raise OrganisationRefused(
            N_(
                "The organisation changed while you were reading it. Check it again, then verify "
                "it."
            )
        )
    record(
        "verify",
        org,
        before=before,
        after=snapshot(org, ["verified_at", "verified_by_id", *IDENTITY_FIELDS]),
    )
    for member in acting_members([org.id]):
        mail.send(
            member.email,
            _l("Your organisation was verified"),
            "email/organisation_verified.txt",
            locale=member.locale,
            member=member,
            organisation=org,
            link=url_for("auth.organisation", _external=True),
        )
    invitations.tell_verified(org)  # its partnerships waiting for its answer


def reject_organisation(actor: User, org: Organisation, reason: str) -> None:
    """Refuse an unverified registration: nobody acts for it any more; its users are told why."""
    done = db.session.execute(
        update(Organisation)
        .where(Organisation.id == org.id, Organisation.verified_at.is_(None), _open())
        .values(rejected_at=now_utc(), rejected_by_id=actor.id, rejection_reason=reason)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(org)
    if done.rowcount == 0:
        raise OrganisationRefused(
            N_("Only an unverified organisation that is not rejected or merged can be rejected.")
        )
    record(
        "reject",
        org,
        before={"rejected_at": None},
        after=snapshot(org, ["rejected_at", "rejected_by_id", "rejection_reason"]),
    )
    for member in org.members:
        if member.active:
            mail.send(
                member.email,
                _l("The registration of %(name)s was rejected", name=org.name),
                "email/organisation_rejected.txt",
                locale=member.locale,
                member=member,
                organisation=org,
                link=url_for("auth.organisation", _external=True),
            )


def _holdings(org: Organisation) -> int:
    """Rows that would be lost or left pointing at a closed organisation by a merge."""
    counts = [
        select(func.count()).where(Application.lead_id == org.id),
        select(func.count()).where(Partner.organisation_id == org.id),
        select(func.count()).where(BudgetLine.organisation_id == org.id),
        select(func.count()).where(Attachment.organisation_id == org.id),
    ]
    return sum(db.session.scalar(count) for count in counts)


def merge_organisation(actor: User, duplicate: Organisation, original: Organisation) -> list[User]:
    """Close the duplicate and move its users to the original, as members it must verify again.

    Refused when the original is not one of its duplicates, or when the duplicate takes part in any
    application (those would be lost or stranded): staff then sort them out first.
    """
    if original.id not in {o.id for o in duplicates(duplicate)}:
        raise OrganisationRefused(
            N_("Merge only into an organisation with the same name or legal identifier.")
        )
    done = db.session.execute(
        update(Organisation)
        .where(Organisation.id == duplicate.id, _open())
        .values(merged_into_id=original.id, verified_at=None, verified_by_id=None)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount == 0:
        raise OrganisationRefused(N_("This organisation was already rejected or merged."))
    if _holdings(
        duplicate
    ):  # counted once closed: no application can start since; the refusal rolls back
        raise OrganisationRefused(
            N_(
                "%(name)s takes part in applications, so merging it would lose them. Withdraw or "
                "move "
                "them first, or reject the registration instead."
            ),
            name=duplicate.name,
        )
    moved = list(
        db.session.scalars(
            select(User).where(User.organisation_id == duplicate.id).order_by(User.id)
        )
    )
    db.session.execute(
        update(User)
        .where(User.organisation_id == duplicate.id)
        .values(organisation_id=original.id, member_verified_at=None, member_verified_by_id=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(duplicate)
    for user in moved:
        db.session.refresh(user)
    record(
        "merge",
        duplicate,
        before={"merged_into_id": None},
        after={"merged_into_id": original.id, "moved_user_ids": [u.id for u in moved]},
    )
    record(
        "merge_in",
        original,
        after={"from_organisation_id": duplicate.id, "moved_user_ids": [u.id for u in moved]},
    )
    _tell_merge(duplicate, original, moved)
    return moved


def _tell_merge(duplicate: Organisation, original: Organisation, moved: list[User]) -> None:
    link = url_for("auth.organisation", _external=True)
    for user in moved:
        if user.active:
            mail.send(
                user.email,
                _l("Your registration was merged into %(name)s", name=original.name),
                "email/organisation_merged.txt",
                locale=user.locale,
                member=user,
                duplicate=duplicate,
                organisation=original,
                link=link,
            )
    for member in acting_members([original.id]):
        for user in moved:
            if user.active and user.email_confirmed:
                mail.send(
                    member.email,
                    _l("A new member waits for verification"),
                    "email/member_pending.txt",
                    locale=member.locale,
                    member=member,
                    newcomer=user,
                    organisation=original,
                    link=link,
                )
