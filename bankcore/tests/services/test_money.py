import pytest

from bankcore.money import whole_units_to_minor


@pytest.mark.parametrize(
    ("table", "currency", "minor"),
    [
        ({"USD": 10_000, "JPY": 1_500_000}, "USD", 1_000_000),
        ({"USD": 10_000, "JPY": 1_500_000}, "JPY", 1_500_000),
        ({"KWD": 3_000}, "KWD", 3_000_000),
        ({"USD": 0}, "USD", 0),
    ],
)
def test_a_per_currency_table_of_whole_units_reads_in_minor_units(table, currency, minor):
    assert whole_units_to_minor(table, currency) == minor


@pytest.mark.parametrize(
    "table",
    [
        {},
        {"EUR": 5},
        {"USD": -5},
        {"USD": 1.5},
        {"USD": True},
        {"USD": "10"},
        {"USD": None},
        ["USD", 5],
        None,
    ],
)
def test_a_table_that_does_not_name_the_currency_with_a_whole_number_reads_as_zero(table):
    assert whole_units_to_minor(table, "USD") == 0
