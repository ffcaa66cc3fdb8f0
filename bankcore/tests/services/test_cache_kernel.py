import time
from types import SimpleNamespace

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


def probe(*parts, scopes=(), timeout=60, remember_not_found=False) -> kernel.Slot:
    return kernel.Slot("probe", parts, scopes, timeout, remember_not_found=remember_not_found)


def test_a_slot_keys_its_value_by_its_family_parts_and_current_generations():
    slot = probe("a", 7, scopes=(("thing", 7),))
    assert slot.current_key() == kernel.key("probe", "a", 7, *kernel.generations(("thing", 7)))
    before = slot.current_key()
    kernel._bump("thing", 7)
    assert slot.current_key() != before


def test_a_lazy_scope_must_be_a_values_only_scope():
    slot = probe(scopes=((kernel.lazy_scope("lazy-thing"), 1), ("thing", 1)))
    with pytest.raises(ValueError, match="lazy scope"):
        kernel.get_or_set(slot, lambda: "value")


def test_get_or_set_tells_not_found_from_a_miss():
    calls = []

    def compute():
        calls.append(1)

    assert kernel.get_or_set(probe("absent", remember_not_found=True), compute) is None
    assert kernel.get_or_set(probe("absent", remember_not_found=True), compute) is None
    assert len(calls) == 1
    assert kernel.get_or_set(probe("uncached"), compute) is None
    assert kernel.get_or_set(probe("uncached"), compute) is None
    assert len(calls) == 3


def test_a_copy_in_process_never_outlives_the_shared_value(monkeypatch):
    clock = [time.time()]
    monkeypatch.setattr(
        kernel,
        "time",
        SimpleNamespace(time=lambda: clock[0], monotonic=lambda: clock[0], time_ns=time.time_ns),
    )
    assert kernel.get_or_set(probe("ttl", timeout=30), lambda: "first") == "first"
    kernel.local_values.clear()  # another process, which has not read it yet
    clock[0] += 25
    assert kernel.get_or_set(probe("ttl", timeout=30), lambda: "second") == "first"
    clock[0] += 6  # the shared value's 30 s are over, though the copy was taken 6 s ago
    assert kernel.get_or_set(probe("ttl", timeout=30), lambda: "second") == "second"


def test_the_copies_in_process_are_bounded_and_evict_the_least_recently_used():
    local = kernel._LocalValues(max_entries=2)
    expires_at = time.time() + 60
    local.set("a", 1, expires_at)
    local.set("b", 2, expires_at)
    assert local.get("a") == 1
    local.set("c", 3, expires_at)
    assert (local.get("a"), local.get("b"), local.get("c")) == (1, kernel.MISSING, 3)


def test_reading_a_lazy_scope_creates_no_counter():
    scope = (kernel.lazy_scope("lazy-thing"), 1)
    assert kernel.generations(scope)[1] is None
    assert caches["default"].get(kernel.key("gen", *scope)) is None
    assert kernel.get_or_set(probe(scopes=(scope,)), lambda: None) is None
    assert caches["default"].get(kernel.key("gen", *scope)) is None
    assert kernel.get_or_set(probe(scopes=(scope,)), lambda: "found") == "found"
    generation = kernel.generations(scope)[1]
    assert generation is not None, "a value worth caching starts the counter"
    assert kernel.get_or_set(probe(scopes=(scope,)), lambda: "recomputed") == "found"


def test_a_write_racing_the_first_lazy_read_keeps_its_value_out():
    scope = (kernel.lazy_scope("lazy-thing"), 2)

    def read_while_a_write_commits():
        kernel._bump(*scope)  # the write finds no counter and starts one
        return "from before the write"

    assert kernel.get_or_set(probe(scopes=(scope,)), read_while_a_write_commits)
    assert kernel.get_or_set(probe(scopes=(scope,)), lambda: "after") == "after"


def test_ttl_constants():
    assert [t.value for t in kernel.TTL] == [30, 300, 1800, 3600, 86400]


def test_cache_stats_command_prints_families(capsys):
    from django.core.management import call_command

    kernel.get_or_set(probe(1), lambda: 1)
    kernel.get_or_set(probe(1), lambda: 1)
    call_command("cache_stats")
    out = capsys.readouterr().out
    assert "probe" in out
    assert "50.0%" in out
