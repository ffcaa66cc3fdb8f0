import pytest
from django.core.cache import caches

from bankcore import cache as kernel
from bankcore.models import DatabaseIdentity

# Every key carries the database's identity, read from the database.
pytestmark = pytest.mark.django_db


def test_keys_carry_the_schema_version_and_the_database_identity():
    identity = DatabaseIdentity.objects.get().value
    assert kernel.key("account", 7, 1, 2) == f"bc:v{kernel.SCHEMA_VERSION}:{identity}:account:7:1:2"


def test_a_missing_generation_starts_fresh_and_bumps_only_go_forward():
    epoch, first = kernel.generations(("thing", 1))
    assert first > 10**18, "a fresh counter starts at the clock in nanoseconds, never at 0"
    assert kernel.generations(("thing", 1)) == (epoch, first)
    kernel._bump("thing", 1)
    assert kernel.generations(("thing", 1)) == (epoch, first + 1)
    assert kernel.generations(("thing", 2))[1] != first + 1


def test_a_lost_counter_never_brings_an_old_value_back():
    _, before = kernel.generations(("thing", 3))
    caches["default"].delete(kernel.key("gen", "thing", 3))  # evicted, say
    _, after = kernel.generations(("thing", 3))
    assert after > before


def test_get_or_set_tells_not_found_from_a_miss():
    calls = []

    def compute():
        calls.append(1)

    assert kernel.get_or_set("probe", "k-absent", compute, timeout=60, cache_not_found=True) is None
    assert kernel.get_or_set("probe", "k-absent", compute, timeout=60, cache_not_found=True) is None
    assert len(calls) == 1
    assert kernel.get_or_set("probe", "k-uncached", compute, timeout=60) is None
    assert kernel.get_or_set("probe", "k-uncached", compute, timeout=60) is None
    assert len(calls) == 3


def test_ttl_constants():
    assert [t.value for t in kernel.TTL] == [30, 300, 1800, 3600, 86400]


def test_cache_stats_command_prints_families(capsys):
    from django.core.management import call_command

    kernel.get_or_set("probe", "k1", lambda: 1, timeout=60)
    kernel.get_or_set("probe", "k1", lambda: 1, timeout=60)
    call_command("cache_stats")
    out = capsys.readouterr().out
    assert "probe" in out
    assert "50.0%" in out
