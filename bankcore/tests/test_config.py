import pytest

from bankcore.config import DEFAULTS, config_check, config_get
from bankcore.errors import InvalidSetting
from bankcore.models import SystemSetting

pytestmark = pytest.mark.django_db


def test_values_are_checked_against_their_defaults_type(monkeypatch):
    monkeypatch.setitem(DEFAULTS, "test.flag", (False, "A switch."))
    monkeypatch.setitem(DEFAULTS, "test.rate", (0.5, "A fraction."))
    monkeypatch.setitem(DEFAULTS, "test.label", ("bankcore", "A name."))
    for name, good, bad in [
        ("test.flag", [True, False], [1, 0, "true", None]),
        ("test.rate", [1, 0.25, 0], [True, -0.5, float("nan"), float("inf"), "0.5"]),
        ("test.label", ["", "a bank"], [1, None, ["a"]]),
        ("accounts.max_per_customer", [0, 1, 2**63 - 1], [False, -1, 2**63, 1.0]),
    ]:
        for value in good:
            config_check(name=name, value=value)
        for value in bad:
            with pytest.raises(InvalidSetting):
                config_check(name=name, value=value)


def test_a_bad_row_from_before_values_were_checked_reads_as_the_default(caplog):
    SystemSetting.objects.create(key="accounts.max_per_customer", value="ten")
    with caplog.at_level("ERROR", logger="bankcore.config"):
        assert config_get("accounts.max_per_customer") == 10
    assert "accounts.max_per_customer holds an invalid value" in caplog.text


def test_a_bad_row_does_not_break_opening_an_account(customer_client):
    SystemSetting.objects.create(key="accounts.max_per_customer", value="ten")
    response = customer_client.post("/api/accounts", {"kind": "checking", "currency": "USD"}, format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("name", ["deposits.approval_threshold", "deposits.daily_limit_per_staff"])
def test_deposit_limits_are_whole_units_of_known_currencies(name):
    for good in [{}, {"USD": 0}, {"USD": 10_000, "JPY": 1_500_000}, {"KWD": 10**13}]:
        config_check(name=name, value=good)
    for bad in [
        {"USD": "lots"},
        {"USD": -5},
        {"USD": 1.5},
        {"USD": True},
        {"USD": None},
        {"XXX": 5},
        {"USD": 10**30},  # past the most any amount may be: a limit that is no limit
        {"KWD": 10**14},
        ["USD", 5],
    ]:
        with pytest.raises(InvalidSetting):
            config_check(name=name, value=bad)


@pytest.mark.parametrize(
    "bad", ["\uff11\uff15:00", "1\u0665:00", "15:\u0660\u0660", "\u00b9\u00b2:00", "1500", "24:00", "9:00"]
)
def test_the_cutoff_time_is_ascii_digits(bad):
    config_check(name="wires.cutoff_time", value="15:00")
    with pytest.raises(InvalidSetting):
        config_check(name="wires.cutoff_time", value=bad)


def test_sanctioned_jurisdictions_are_upper_case_country_and_subdivision_codes():
    for good in [[], ["IR"], ["CU", "UA-43", "UA-40"], DEFAULTS["screening.sanctioned_jurisdictions"][0]]:
        config_check(name="screening.sanctioned_jurisdictions", value=good)
    for bad in ["IR", ["ir"], ["ua-43"], ["XX"], ["UA-99"], ["IRN"], [None], [["IR"]], {"IR": 1}]:
        with pytest.raises(InvalidSetting):
            config_check(name="screening.sanctioned_jurisdictions", value=bad)


def test_every_description_fits_its_column():
    # config_set stores the description beside the value; PostgreSQL refuses a longer one.
    longest = SystemSetting._meta.get_field("description").max_length
    assert {name: len(text) for name, (_, text) in DEFAULTS.items() if len(text) > longest} == {}


def test_a_setting_registered_twice_is_refused_and_the_registry_kept():
    from django.core.exceptions import ImproperlyConfigured

    from bankcore.config import register_defaults

    with pytest.raises(ImproperlyConfigured, match=r"registered twice: accounts\.max_per_customer"):
        register_defaults({"test.other": (1, "Another."), "accounts.max_per_customer": (3, "Mine.")})
    assert "test.other" not in DEFAULTS
    assert DEFAULTS["accounts.max_per_customer"][0] == 10
