"""The contract's bank account and signature dates (grants/rules/contract.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from grants.rules.contract import (
    BankAccountRefused,
    check_bic,
    check_iban,
    grouped,
    in_force_dates,
    local_day,
)

TR_IBAN = "TR330006100519786457841326"


@pytest.mark.parametrize(
    "typed",
    [TR_IBAN, "TR33 0006 1005 1978 6457 8413 26", " tr330006100519786457841326 "],
)
def test_an_iban_is_kept_in_its_electronic_form(typed):
    assert check_iban(typed) == TR_IBAN


def test_a_german_iban_is_accepted_too():
    assert check_iban("de89 3704 0044 0532 0130 00") == "DE89370400440532013000"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("TR330006100519786457841327", "check digits"),  # one digit mistyped
        ("TR33000610051978645784132", "too many or too few"),  # one digit missing
        ("XX330006100519786457841326", "country"),
        ("", "Enter the IBAN"),
    ],
)
def test_a_bad_iban_is_refused_on_its_field_saying_why(typed, reason):
    with pytest.raises(BankAccountRefused) as refused:
        check_iban(typed)
    assert refused.value.field == "iban"
    assert reason in refused.value.message


def test_the_bic_is_optional_and_checked_when_given():
    assert check_bic("") == ""
    assert check_bic(" deutdeff ") == "DEUTDEFF"
    assert check_bic("DEUTDEFF500") == "DEUTDEFF500"
    for bad, reason in (("DEUTDE", "8 or 11"), ("DEUTXXFF", "country code")):
        with pytest.raises(BankAccountRefused) as refused:
            check_bic(bad)
        assert refused.value.field == "bic"
        assert reason in refused.value.message


def test_an_iban_is_shown_in_groups_of_four():
    assert grouped(TR_IBAN) == "TR33 0006 1005 1978 6457 8413 26"


def test_the_day_of_a_signature_is_the_call_zone_s_day():
    late_evening_utc = datetime(2027, 3, 1, 22, 30, tzinfo=UTC)  # 01:30 on 2 March in Istanbul
    assert local_day(late_evening_utc, "Europe/Istanbul") == date(2027, 3, 2)
    assert local_day(late_evening_utc, "UTC") == date(2027, 3, 1)


def test_the_contract_starts_the_day_after_the_last_signature_in_the_call_zone():
    lead = datetime(2027, 2, 10, 9, tzinfo=UTC)
    staff = datetime(2027, 2, 28, 21, 30, tzinfo=UTC)  # 00:30 on 1 March in Istanbul
    assert in_force_dates([staff, lead], "Europe/Istanbul", None, 24) == (
        date(2027, 3, 2),
        date(2029, 3, 1),
    )
    assert in_force_dates([lead, staff], "UTC", None, 12) == (date(2027, 3, 1), date(2028, 2, 29))


def test_a_later_start_set_by_the_contract_wins():
    signed = [datetime(2027, 2, 10, 9, tzinfo=UTC)]
    assert in_force_dates(signed, "Europe/Istanbul", date(2027, 4, 1), 6) == (
        date(2027, 4, 1),
        date(2027, 9, 30),
    )
    # an earlier one does not move the start before the day after the signature
    assert in_force_dates(signed, "Europe/Istanbul", date(2027, 1, 1), 6)[0] == date(2027, 2, 11)
