import pytest

from bankcore.models import SystemSetting
from bankcore.services import state_transition

pytestmark = pytest.mark.django_db


def test_a_state_transition_wins_once_from_its_state():
    # Any column can be the state; the description stands in for one here.
    row = SystemSetting.objects.create(key="test.state", value=1, description="draft")
    stale = SystemSetting.objects.get(pk=row.pk)

    assert state_transition(row, field="description", from_state="draft", to_state="final", value=2)
    assert (row.description, row.value) == ("final", 2)

    # A second transition from the state the row has left loses, and writes nothing.
    assert not state_transition(stale, field="description", from_state="draft", to_state="withdrawn", value=3)
    assert (stale.description, stale.value) == ("draft", 1)
    assert SystemSetting.objects.values_list("description", "value").get(pk=row.pk) == ("final", 2)
