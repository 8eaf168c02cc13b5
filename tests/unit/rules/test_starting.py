"""Who may start an application in a call (grants.rules.starting)."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from grants.rules.eligibility import EligibilityRules, Party
from grants.rules.problems import Moment
from grants.rules.starting import Member, Opening, acting_refusal, start_refusals, window_refusal

ACTING = Member(
    email="a@example.org",
    email_confirmed=True,
    member_verified=True,
    active=True,
    organisation="Çankaya",
    verified=True,
)
OPENS, DEADLINE = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)
CALL = Opening("TTGS-1", True, OPENS, DEADLINE, "Europe/Istanbul")
NOW = OPENS + timedelta(days=10)
RULES = EligibilityRules(
    lead_countries={"TR"},
    lead_types={"municipality"},
    partner_countries={"TR", "HU"},
    partner_types={"municipality"},
    max_applications_per_lead=2,
)
LEAD = Party("1", "municipality", "TR")


def reasons(member=ACTING, lead=LEAD, call=CALL, others=0, now=NOW):
    return [issue.message for issue in start_refusals(member, lead, call, RULES, others, now)]


def test_a_member_acting_for_an_eligible_lead_in_an_open_call_may_start():
    assert acting_refusal(ACTING) is None
    assert reasons() == []
    assert reasons(others=1) == []


@pytest.mark.parametrize(
    "change, words",
    [
        ({"organisation": None, "verified": False}, "does not belong to an organisation"),
        ({"rejected": True}, "rejected the registration"),
        ({"verified": False, "identity_changed": True}, "must verify it again"),
        ({"verified": False}, "has not been verified"),
        ({"email_confirmed": False}, "Confirm your e-mail address"),
        ({"member_verified": False}, "membership of %(name)s is waiting"),
        ({"active": False}, "membership of %(name)s is waiting"),
    ],
)
def test_who_cannot_act_for_an_organisation_is_told_why(change, words):
    issue = acting_refusal(replace(ACTING, **change))
    assert issue is not None and words in issue.message


def test_the_acting_refusals_name_the_organisation_or_the_address():
    assert acting_refusal(replace(ACTING, verified=False)).params == {"name": "Çankaya"}
    assert acting_refusal(replace(ACTING, email_confirmed=False)).params == {
        "email": "a@example.org"
    }


def test_a_user_who_cannot_act_gets_only_that_reason():
    assert reasons(
        member=replace(ACTING, verified=False),
        call=replace(CALL, published=False),
        lead=Party("1", "ngo", "US"),
        others=5,
    ) == [acting_refusal(replace(ACTING, verified=False)).message]


def test_the_call_must_be_published_and_open():
    assert (
        "not open for applications" in window_refusal(replace(CALL, published=False), NOW).message
    )
    early = window_refusal(CALL, OPENS - timedelta(seconds=1))
    assert "opens for applications" in early.message
    assert early.params["date"] == Moment(OPENS, "Europe/Istanbul")
    assert window_refusal(CALL, OPENS) is None
    assert window_refusal(CALL, DEADLINE - timedelta(seconds=1)) is None
    late = window_refusal(CALL, DEADLINE)
    assert "has passed" in late.message and late.params["date"] == Moment(
        DEADLINE, "Europe/Istanbul"
    )


def test_the_lead_must_be_eligible_by_type_then_by_country():
    assert reasons(lead=Party("1", "ngo", "TR")) == [
        "Your type of organisation may not lead an application in this call."
    ]
    assert reasons(lead=Party("1", "ngo", "HU")) == reasons(
        lead=Party("1", "ngo", "TR")
    )  # the type first
    found = start_refusals(ACTING, Party("1", "municipality", "HU"), CALL, RULES, 0, NOW)
    assert [i.params for i in found] == [{"country": "HU"}]


def test_a_lead_may_not_start_more_applications_than_the_call_allows():
    found = start_refusals(ACTING, LEAD, CALL, RULES, 2, NOW)
    assert [i.params for i in found] == [{"count": 2, "limit": 2}]


def test_every_other_reason_is_given_at_once():
    assert (
        len(reasons(call=replace(CALL, published=False), lead=Party("1", "ngo", "TR"), others=2))
        == 3
    )
