"""The e-mails of amendments: staff told of a request, the lead's members of its decision."""

from __future__ import annotations

from flask import url_for

from grants import mail
from grants.amendments.queries import grant_staff, lead_members
from grants.i18n import lazy_gettext as _l
from grants.models import Grant, GrantAmendment
from grants.rules.grant_status import AmendmentKind, AmendmentStatus

KIND_SUBJECTS = {
    AmendmentKind.end_date: _l("a later end date"),
    AmendmentKind.budget: _l("a budget change"),
    AmendmentKind.partner: _l("a partner change"),
}


def _link(grant: Grant) -> str:
    return url_for("amendments.index", grant_id=grant.id, _external=True)


def tell_staff(grant: Grant, amendment: GrantAmendment) -> None:
    for member in grant_staff():
        mail.send(
            member.email,
            _l("Amendment requested on %(number)s", number=grant.number),
            "email/amendment_requested.txt",
            locale=member.locale,
            about=grant.application_id,
            member=member,
            grant=grant,
            application=grant.application,
            kind=KIND_SUBJECTS[amendment.kind],
            amendment=amendment,
            link=_link(grant),
        )


def tell_lead(grant: Grant, amendment: GrantAmendment) -> None:
    for member in lead_members(grant):
        mail.send(
            member.email,
            _l("Decision on your amendment request for %(number)s", number=grant.number),
            "email/amendment_decided.txt",
            locale=member.locale,
            about=grant.application_id,
            member=member,
            grant=grant,
            application=grant.application,
            kind=KIND_SUBJECTS[amendment.kind],
            amendment=amendment,
            approved=amendment.status is AmendmentStatus.approved,
            link=_link(grant),
        )
