import pytest
from hypothesis import given
from hypothesis import strategies as st

from accounts.numbers import account_number_generate, account_number_is_valid
from bankcore.money import CURRENCIES, MAX_AMOUNT_MINOR, InvalidAmount, format_amount, parse_amount


@pytest.mark.parametrize(
    ("text", "currency", "minor"),
    [
        ("125.40", "USD", 12540),
        ("125.4", "USD", 12540),
        ("125", "USD", 12500),
        ("0.01", "EUR", 1),
        ("1000", "JPY", 1000),
        ("1.234", "KWD", 1234),
        ("007.50", "GBP", 750),
    ],
)
def test_parse_amount_reads_minor_units(text, currency, minor):
    assert parse_amount(text, currency) == minor


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("0", "USD"),
        ("0.00", "USD"),
        ("-1.00", "USD"),
        ("+1.00", "USD"),
        ("1.001", "USD"),
        ("1.5", "JPY"),
        ("1e3", "USD"),
        ("NaN", "USD"),
        ("Infinity", "USD"),
        (" 1.00", "USD"),
        ("1,000.00", "USD"),
        ("1.", "USD"),
        (".5", "USD"),
        ("\u0661\u0662\u0663", "USD"),  # Arabic-Indic digits
        ("", "USD"),
        ("1.00", "XYZ"),
        (str(MAX_AMOUNT_MINOR // 100 + 1), "USD"),
        ("9" * 40, "USD"),
    ],
)
def test_parse_amount_refuses_anything_but_a_plain_positive_decimal(text, currency):
    with pytest.raises(InvalidAmount):
        parse_amount(text, currency)


@pytest.mark.parametrize("value", [12.5, 125, None, ["1"], {"a": 1}])
def test_parse_amount_refuses_non_strings(value):
    with pytest.raises(InvalidAmount):
        parse_amount(value, "USD")


@given(
    minor=st.integers(min_value=1, max_value=MAX_AMOUNT_MINOR), currency=st.sampled_from(sorted(CURRENCIES))
)
def test_format_then_parse_round_trips(minor, currency):
    assert parse_amount(format_amount(minor, currency), currency) == minor


def test_format_amount_signs_and_pads():
    assert format_amount(-5, "USD") == "-0.05"
    assert format_amount(100, "JPY") == "100"
    assert format_amount(1, "KWD") == "0.001"


def test_account_numbers_carry_check_digits_that_catch_typos():
    number = account_number_generate()
    assert account_number_is_valid(number)
    for position in range(len(number)):
        for digit in "0123456789":
            typo = number[:position] + digit + number[position + 1 :]
            assert account_number_is_valid(typo) == (typo == number)
    for position in range(len(number) - 1):
        swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
        assert account_number_is_valid(swapped) == (swapped == number)
