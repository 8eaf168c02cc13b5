"""What a partner's confirmation covers: every field of its confirmation page, and nothing else."""

import json
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from grants.rules.confirmation import FIELDS, MONEY_FIELDS, Change, Line, changes, terms

AMOUNTS = {
    "direct": Decimal("100000"),
    "indirect": Decimal("7000"),
    "contingency": Decimal("0"),
    "total_eligible": Decimal("107000"),
    "requested_grant": Decimal("90000"),
    "co_financing": Decimal("17000"),
    "share": Decimal("40000"),
}


def page(**kw) -> dict:
    values = {
        "title": "Green twin towns",
        "acronym": "GTT",
        "summary": "Two towns.",
        "objectives": "Plans.",
        "lot": "Environment",
        "duration_months": 24,
        "role": "Hosts the visits",
        "amounts": AMOUNTS,
        "lines": [Line("Study visits", "trip", Decimal("4"), Decimal("10000"))],
    }
    return terms(**(values | kw))


def test_the_same_page_has_no_change():
    assert changes(page(), page()) == []


def test_the_record_survives_json_and_equal_amounts_are_equal():
    """What is stored (JSON) compares equal to what is computed, whatever the amounts' scale."""
    stored = json.loads(json.dumps(page()))
    now = page(
        amounts=AMOUNTS | {"direct": Decimal("100000.000")},
        lines=[Line("Study visits", "trip", Decimal("4.0000"), Decimal("10000.00"))],
    )
    assert changes(stored, now) == []


def test_each_change_is_told_with_its_old_and_new_value_in_page_order():
    found = changes(
        page(),
        page(
            duration_months=18,
            title="Blue towns",
            amounts=AMOUNTS | {"share": Decimal("50000"), "direct": Decimal("110000")},
        ),
    )
    assert found == [
        Change("title", "Green twin towns", "Blue towns"),
        Change("duration_months", 24, 18),
        Change("direct", Decimal("100000.00"), Decimal("110000.00")),
        Change("share", Decimal("40000.00"), Decimal("50000.00")),
    ]


def test_long_texts_are_told_as_changed_not_quoted():
    found = changes(page(), page(summary="Other.", role="Leads", lines=[]))
    assert [(c.field, c.quoted) for c in found] == [
        ("summary", False),
        ("role", False),
        ("lines", False),
    ]
    assert Change("lot", "A", "B").quoted


def test_a_reordered_budget_is_not_a_change_but_another_line_is():
    two = [
        Line("Visits", "trip", Decimal("4"), Decimal("10")),
        Line("Room", "day", Decimal("2"), Decimal("50")),
    ]
    assert changes(page(lines=two), page(lines=list(reversed(two)))) == []
    assert [c.field for c in changes(page(lines=two), page(lines=two[:1]))] == ["lines"]


def test_lot_and_duration_from_nothing_to_something():
    assert [c.field for c in changes(page(lot=None, duration_months=None), page())] == [
        "lot",
        "duration_months",
    ]


def test_fields_the_confirmation_did_not_record_are_not_compared():
    older = {"role": "Hosts the visits", "share": "40000.00"}
    assert changes(older, page(title="Anything")) == []
    assert [c.field for c in changes(older, page(role="Other"))] == ["role"]
    assert changes(None, page()) == []


@given(
    field=st.sampled_from(
        [f for f in FIELDS if f not in ("lines", "duration_months") and f not in MONEY_FIELDS]
    ),
    value=st.text(min_size=1, max_size=20),
)
def test_any_text_shown_changed_is_found(field, value):
    before = page()
    after = dict(before, **{field: before[field] + value})
    assert [c.field for c in changes(before, after)] == [field]


@given(field=st.sampled_from(MONEY_FIELDS), cents=st.integers(min_value=1, max_value=10**9))
def test_any_amount_shown_changed_by_a_cent_or_more_is_found(field, cents):
    now = page(amounts=AMOUNTS | {field: AMOUNTS[field] + Decimal(cents) / 100})
    assert changes(page(), now) == [
        Change(
            field,
            AMOUNTS[field].quantize(Decimal("0.01")),
            (AMOUNTS[field] + Decimal(cents) / 100).quantize(Decimal("0.01")),
        )
    ]
