"""Who acts for an organisation (docs/domain.md 1): the one query, acting_members, answers exactly
the users for whom the User.acts_for_organisation predicate holds, whatever makes one of them not
act."""

from __future__ import annotations

from grants.auth.queries import acting_members
from grants.models.base import now_utc
from tests.factories import make_org, make_user


def test_acting_members_are_the_users_the_predicate_says_act(db):
    org, other, unverified = make_org(), make_org(country="DE"), make_org(verified=False)
    acting = make_user(organisation=org)
    colleague = make_user(organisation=org)
    abroad = make_user(organisation=other)
    not_acting = [
        make_user(organisation=org, verified_member=False),  # membership waiting for verification
        make_user(organisation=org, email_confirmed_at=None),  # address not confirmed
        make_user(organisation=org, active=False),  # deactivated
        make_user(organisation=unverified),  # organisation not verified
        make_user(),  # no organisation
        make_user(role="staff"),
    ]
    everyone = [acting, colleague, abroad, *not_acting]

    found = acting_members([org.id, other.id, unverified.id])

    assert found == [acting, colleague, abroad]  # by id
    assert set(found) == {u for u in everyone if u.acts_for_organisation}
    assert acting_members([org.id]) == [acting, colleague]
    assert acting_members([]) == []


def test_an_organisation_that_is_no_longer_verified_has_nobody_acting(db):
    org = make_org()
    member = make_user(organisation=org)
    assert acting_members([org.id]) == [member]

    org.verified_at, org.identity_changed_at = (
        None,
        now_utc(),
    )  # its identity changed: back to staff
    db.session.flush()

    assert not member.acts_for_organisation
    assert acting_members([org.id]) == []
