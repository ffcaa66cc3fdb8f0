"""The stages: 20 -> 50 -> 100 -> 300 users in every profile, within its length."""

import itertools

import pytest

from loadtest import profiles


@pytest.mark.parametrize(("profile", "seconds"), [("quick", 60), ("full", 300), ("extended", 900)])
def test_every_profile_walks_the_stages_to_300_users_in_its_length(profile, seconds):
    plan = profiles.profile_stages(profile)
    assert [stage.users for stage in plan] == [20, 50, 100, 300]
    assert plan[0].start == 0
    assert plan[-1].end == pytest.approx(seconds)
    assert all(a.end == pytest.approx(b.start) for a, b in itertools.pairwise(plan))


def test_the_last_stage_holds_longest():
    plan = profiles.profile_stages("full")
    lengths = [stage.end - stage.start for stage in plan]
    assert lengths[-1] == max(lengths) == pytest.approx(120)


def test_the_spawn_rate_reaches_each_stage_within_its_ramp():
    plan = profiles.profile_stages("quick")
    previous = 0
    for stage in plan:
        ramp = (stage.end - stage.start) * profiles.RAMP_FRACTION
        assert (stage.users - previous) / stage.spawn_rate <= ramp + 1e-6
        previous = stage.users


def test_stage_at_follows_the_plan_and_ends_it():
    plan = profiles.profile_stages("quick")  # stages of 12, 12, 12 and 24 s
    assert profiles.stage_at(plan, 0) == (20, plan[0].spawn_rate)
    assert profiles.stage_at(plan, 12.5)[0] == 50
    assert profiles.stage_at(plan, 30)[0] == 100
    assert profiles.stage_at(plan, 59.9)[0] == 300
    assert profiles.stage_at(plan, 60) is None


def test_a_capacity_step_is_one_steady_stage():
    (stage,) = profiles.steady_stages(450, 60)
    assert (stage.users, stage.start, stage.end) == (450, 0, 60)
    assert stage.users / stage.spawn_rate == pytest.approx(24)


def test_an_unknown_profile_is_refused():
    with pytest.raises(ValueError, match="unknown profile"):
        profiles.profile_stages("soak")
