"""The load's shape: the stages every profile walks through, as plain arithmetic.

The original report's k6 stages went 20 -> 50 -> 100 users; bankcore's budget is stated at
300, so every profile ends there. A stage first ramps from the previous stage's users to
its own, then holds. locustfile.StagedShape asks ``stage_at`` once a second; nothing here
imports locust, so the selftest checks it without a load generator.
"""

import math
from dataclasses import dataclass

STAGE_USERS = (20, 50, 100, 300)
# The last stage holds longest: it is the one the budget is stated for.
STAGE_WEIGHTS = (1, 1, 1, 2)
# Part of each stage spent ramping; the rest holds the stage's users.
RAMP_FRACTION = 0.4
PROFILES = {"quick": 60, "full": 300, "extended": 900}


@dataclass(frozen=True)
class Stage:
    users: int
    start: float  # seconds from the start of the run
    end: float
    spawn_rate: float  # users started (or stopped) per second while ramping


def stages(duration: float, users: tuple[int, ...] = STAGE_USERS) -> list[Stage]:
    """The stages of a run of ``duration`` seconds, back to back."""
    weights = STAGE_WEIGHTS if len(users) == len(STAGE_WEIGHTS) else (1,) * len(users)
    unit = duration / sum(weights)
    result, start, previous = [], 0.0, 0
    for stage_users, weight in zip(users, weights, strict=True):
        length = unit * weight
        ramp = max(length * RAMP_FRACTION, 1.0)
        rate = max(abs(stage_users - previous) / ramp, 1.0)
        result.append(
            Stage(users=stage_users, start=start, end=start + length, spawn_rate=math.ceil(rate * 100) / 100)
        )
        start, previous = start + length, stage_users
    return result


def profile_stages(profile: str) -> list[Stage]:
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}: one of {', '.join(PROFILES)}")
    return stages(PROFILES[profile])


def steady_stages(users: int, duration: float) -> list[Stage]:
    """One stage: ramp to ``users`` and hold them (a capacity step)."""
    return stages(duration, (users,))


def stage_at(plan: list[Stage], run_time: float) -> tuple[int, float] | None:
    """(users, spawn rate) to run at ``run_time`` seconds, or None once the plan is over."""
    for stage in plan:
        if stage.start <= run_time < stage.end:
            return stage.users, stage.spawn_rate
    return None
