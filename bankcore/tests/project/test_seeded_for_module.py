"""The root conftest's ``seeded_for_module``: a module's tests share rows seeded once, and
each test still sees only those and its own writes."""

import pytest
from django.contrib.auth.models import Group

pytestmark = pytest.mark.django_db

SEEDED = 3


@pytest.fixture(scope="module")
def seeded_groups(seeded_for_module):
    with seeded_for_module():
        yield [Group.objects.create(name=f"seeded-{n}").pk for n in range(SEEDED)]


@pytest.mark.parametrize("run", [1, 2])
def test_each_test_sees_the_seeded_rows_and_only_its_own_writes(seeded_groups, run):
    Group.objects.create(name=f"written-by-run-{run}")
    assert set(Group.objects.filter(name__startswith="seeded-").values_list("pk", flat=True)) == set(
        seeded_groups
    )
    assert list(Group.objects.filter(name__startswith="written-").values_list("name", flat=True)) == [
        f"written-by-run-{run}"
    ]


def test_a_test_may_change_a_seeded_row_without_the_next_seeing_it(seeded_groups):
    Group.objects.filter(pk=seeded_groups[0]).update(name="renamed")
    assert Group.objects.filter(name__startswith="seeded-").count() == SEEDED - 1


def test_the_change_of_the_test_before_is_gone(seeded_groups):
    assert Group.objects.filter(name__startswith="seeded-").count() == SEEDED
