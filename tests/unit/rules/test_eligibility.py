import pytest

from grants.rules.eligibility import (
    EligibilityRules,
    Party,
    check_applications_per_lead,
    check_partnership,
    is_eligible_lead,
    is_eligible_partner,
)

EU = {"AT", "DE", "FR", "HU"}
RULES = EligibilityRules(
    lead_countries=EU | {"TR"},
    lead_types={"municipality", "governorate"},
    partner_countries=EU | {"TR"},
    partner_types={"municipality", "local_authority"},
    partners_min=1,
    partners_max=3,
    country_groups=[{"TR"}, EU],
    max_applications_per_lead=1,
)
LEAD = Party("tr1", "municipality", "TR")
EU1 = Party("eu1", "local_authority", "HU")


def problems(lead=LEAD, partners=(EU1,)):
    return [(p.field, p.code) for p in check_partnership(lead, list(partners), RULES)]


def test_a_turkish_lead_with_an_eu_partner_is_eligible():
    assert problems() == []
    assert is_eligible_lead(LEAD, RULES) and is_eligible_partner(EU1, RULES)


def test_lead_type_not_allowed():
    assert problems(lead=Party("tr1", "ngo", "TR")) == [("lead", "lead_type_not_allowed")]
    assert not is_eligible_lead(Party("tr1", "ngo", "TR"), RULES)


def test_lead_country_not_allowed():
    assert problems(lead=Party("us1", "municipality", "US")) == [
        ("lead", "lead_country_not_allowed"),
        ("partners", "country_group_missing"),
    ]


def test_partner_type_not_allowed():
    bad = Party("eu2", "governorate", "DE")
    assert problems(partners=[EU1, bad]) == [("partners.eu2", "partner_type_not_allowed")]
    assert not is_eligible_partner(bad, RULES)


def test_partner_country_not_allowed():
    bad = Party("ch1", "municipality", "CH")
    assert problems(partners=[EU1, bad]) == [("partners.ch1", "partner_country_not_allowed")]
    assert not is_eligible_partner(bad, RULES)


def test_too_few_partners():
    [p] = check_partnership(
        Party("tr1", "municipality", "TR"),
        [],
        EligibilityRules(
            RULES.lead_countries,
            RULES.lead_types,
            RULES.partner_countries,
            RULES.partner_types,
            partners_min=1,
            partners_max=3,
        ),
    )
    assert (p.code, p.limit, p.actual) == ("too_few_partners", 1, 0)
    assert p.message.endswith("fewer than the minimum of 1 by 1")


def test_too_many_partners():
    partners = [Party(f"eu{i}", "local_authority", "DE") for i in range(5)]
    [p] = check_partnership(LEAD, partners, RULES)
    assert (p.code, p.limit, p.actual) == ("too_many_partners", 3, 5)
    assert p.message.endswith("more than the maximum of 3 by 2")


def test_every_country_group_must_be_represented():
    [p] = check_partnership(LEAD, [Party("tr2", "municipality", "TR")], RULES)
    assert (p.code, p.limit) == ("country_group_missing", frozenset(EU))
    assert "one of: AT, DE, FR, HU" in p.message


def test_a_group_may_be_represented_by_the_lead():
    assert (
        problems(
            lead=Party("de1", "municipality", "DE"), partners=[Party("tr2", "municipality", "TR")]
        )
        == []
    )


def test_lead_cannot_be_its_own_partner():
    assert problems(partners=[EU1, LEAD]) == [("partners.tr1", "lead_is_partner")]


def test_lead_as_only_partner_neither_counts_nor_represents_a_group():
    assert problems(lead=LEAD, partners=[LEAD]) == [
        ("partners.tr1", "lead_is_partner"),
        ("partners", "too_few_partners"),
        ("partners", "country_group_missing"),
    ]


def test_duplicate_partner():
    assert problems(partners=[EU1, EU1]) == [("partners.eu1", "duplicate_partner")]


@pytest.mark.parametrize(("others", "ok"), [(0, True), (1, False)])
def test_applications_per_lead(others, ok):
    assert (check_applications_per_lead(others, RULES) == []) is ok
