"""An organisation's identity: re-verification after a change, and telling staff (the identity
and its duplicates are read in grants.auth.queries).

The identity is what staff check against the official register (IDENTITY_FIELDS: name, type,
country, legal identifier). Once verified, changing any of it sends the organisation back to staff:
it stops being verified (its members cannot act, so it cannot submit) until staff verify it again.
"""

from __future__ import annotations

from flask import url_for

from grants import mail
from grants.audit import record
from grants.auth.queries import IDENTITY_LABELS, duplicates, identity, staff_members
from grants.i18n import lazy_gettext as _l
from grants.models import Organisation
from grants.models.base import now_utc
from grants.models.organisations import IDENTITY_FIELDS


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
