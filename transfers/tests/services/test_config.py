import pytest

from bankcore.config import DEFAULTS, config_check
from bankcore.errors import InvalidSetting
from transfers import config


def test_the_wire_settings_are_registered_with_their_defaults():
    assert {name: DEFAULTS[name] for name in config.DEFAULTS} == config.DEFAULTS


@pytest.mark.parametrize(
    "bad", ["\uff11\uff15:00", "1\u0665:00", "15:\u0660\u0660", "\u00b9\u00b2:00", "1500", "24:00", "9:00"]
)
def test_the_cutoff_time_is_ascii_digits(bad):
    config_check(name="wires.cutoff_time", value="15:00")
    with pytest.raises(InvalidSetting):
        config_check(name="wires.cutoff_time", value=bad)


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "", "america/new_york ", "../etc/passwd"])
def test_the_time_zone_is_an_iana_name(bad):
    config_check(name="wires.time_zone", value="Europe/Berlin")
    with pytest.raises(InvalidSetting):
        config_check(name="wires.time_zone", value=bad)
