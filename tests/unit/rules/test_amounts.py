"""Amounts as people type them (docs/domain.md 3): read in the user's locale, never silently
reinterpreted."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.rules.numbers import parse_number, show_number
from grants.rules.problems import InputError


@pytest.mark.parametrize(
    ("locale", "typed", "expected"),
    [
        ("tr", "2.500", "2500"),
        ("tr", "2.500,50", "2500.50"),
        ("tr", "2500,50", "2500.50"),
        ("tr", "1.234.567,89", "1234567.89"),
        ("tr", "0,5", "0.5"),
        ("tr", " 60.000 ", "60000"),
        ("en", "2,500.50", "2500.50"),
        ("en", "2500.50", "2500.50"),
        ("en", "2,500", "2500"),
        ("en", "2.50", "2.50"),
        ("tr", "", None),
        ("en", "   ", None),
    ],
)
def test_amounts_read_as_the_locale_writes_them(locale, typed, expected):
    assert parse_number(typed, locale) == (None if expected is None else Decimal(expected))


@pytest.mark.parametrize(
    ("locale", "typed", "says"),
    [
        (
            "tr",
            "2.50",
            "can be read more than one way: write 250,00 / 2,50",
        ),  # a misplaced thousands dot
        (
            "en",
            "2.500",
            "can be read more than one way: write 2,500.00 / 2.50",
        ),  # thousands dot in English?
        ("en", "2500,50", "can be read more than one way"),
        ("tr", "2.500,505", "at most 2 decimal places"),
        ("en", "130000.001", "at most 2 decimal places"),
        ("en", "12.345678", "at most 2 decimal places"),
        ("en", "1e9", "Enter a number such as 2,500.50"),
        ("tr", "1e9", "Enter a number such as 2.500,50"),
        ("en", "NaN", "Enter a number"),
        ("en", "Infinity", "Enter a number"),
        ("tr", "-inf", "Enter a number"),
        ("en", "0x10", "Enter a number"),
        ("en", "\u0663", "Enter a number"),
        ("en", "\uff15", "Enter a number"),
        ("en", "1 000", "Enter a number"),
        ("en", "12\x00", "Enter a number"),
        ("en", "1" * 25, "too large"),
    ],
)
def test_ambiguous_and_unreadable_amounts_are_refused_with_a_reason(locale, typed, says):
    with pytest.raises(InputError) as refused:
        parse_number(typed, locale)
    assert says in str(refused.value)


def test_quantities_take_up_to_their_own_places():
    assert parse_number("2,5", "tr", places=4) == Decimal("2.5")
    assert parse_number("0.1234", "en", places=4) == Decimal("0.1234")
    with pytest.raises(InputError):
        parse_number("0,12345", "tr", places=4)


@given(
    cents=st.integers(min_value=-(10**13), max_value=10**13),
    locale=st.sampled_from(["tr", "en", "de"]),
)
def test_an_amount_shown_and_typed_back_is_the_same_amount(cents, locale):
    amount = Decimal(cents).scaleb(-2)
    assert parse_number(show_number(amount, locale), locale) == amount


@given(
    value=st.decimals(min_value=0, max_value=10**8, places=4), locale=st.sampled_from(["tr", "en"])
)
def test_a_quantity_shown_and_typed_back_is_the_same(value, locale):
    assert parse_number(show_number(value, locale, 4), locale, 4) == value
