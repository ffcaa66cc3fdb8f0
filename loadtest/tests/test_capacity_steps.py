"""make capacity's steps: each starts after the customers of the earlier ones, and none
reuses a customer (whose wires of an earlier step would count against the bank's daily
limit, and fail the step on the scenario's 422s)."""

from loadtest.run import capacity_steps


def test_each_step_starts_after_the_customers_of_the_steps_before_it():
    assert capacity_steps(100, 50, 300, 1000) == [(100, 0), (150, 100), (200, 250), (250, 450), (300, 700)]


def test_no_step_runs_that_would_sign_in_a_customer_an_earlier_step_used():
    # 100 + 150 + 200 + 250 + 300 = 1,000: a 350-user step would start again at the first.
    assert [users for users, _ in capacity_steps(100, 50, 1000, 1000)] == [100, 150, 200, 250, 300]
    assert capacity_steps(100, 50, 1000, 99) == []
