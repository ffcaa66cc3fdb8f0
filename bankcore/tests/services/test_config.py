import pytest
from django.core.exceptions import ImproperlyConfigured

from bankcore import config
from bankcore.config import DEFAULTS, config_check, config_get, register_defaults, register_formats
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


def test_an_app_registers_its_settings_once(monkeypatch):
    monkeypatch.setattr(config, "DEFAULTS", dict(DEFAULTS))
    register_defaults({"test.size": (3, "A size.")})
    assert config_get("test.size") == 3
    with pytest.raises(ImproperlyConfigured, match=r"test\.size"):
        register_defaults({"test.other": (1, "Another."), "test.size": (4, "A size again.")})
    assert "test.other" not in config.DEFAULTS
    assert config.DEFAULTS["test.size"] == (3, "A size.")


def test_a_registered_format_refuses_a_value_of_the_right_type(monkeypatch):
    monkeypatch.setattr(config, "DEFAULTS", dict(DEFAULTS))
    monkeypatch.setattr(config, "_FORMATS", dict(config._FORMATS))
    register_defaults({"test.code": ("AB", "A code.")})
    register_formats({"test.code": (str.isupper, "upper-case letters")})
    config_check(name="test.code", value="CD")
    with pytest.raises(InvalidSetting, match="upper-case letters"):
        config_check(name="test.code", value="cd")
    with pytest.raises(ImproperlyConfigured):
        register_formats({"test.code": (str.isalpha, "letters")})
