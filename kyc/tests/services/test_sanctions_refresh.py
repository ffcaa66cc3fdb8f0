"""The daily sanctions refresh (kyc.refresh_sanctions): the configured files loaded when they
changed, nothing new when they did not, nothing at all where none is configured, and a
broken file failing the run with the list left as it was."""

import shutil

import pytest

from audit import actions
from audit.models import AuditEvent
from kyc.errors import SanctionsFileInvalid
from kyc.models import SanctionsList
from kyc.tasks import sanctions_refresh_task
from kyc.tests.helpers import FIXTURES

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(settings, tmp_path):
    sdn, alt = tmp_path / "sdn.csv", tmp_path / "alt.csv"
    shutil.copy(FIXTURES / "sdn.csv", sdn)
    shutil.copy(FIXTURES / "alt.csv", alt)
    settings.SANCTIONS_SDN_FILE, settings.SANCTIONS_ALT_FILE = str(sdn), str(alt)
    return sdn, alt


def test_the_configured_files_are_loaded_once_and_again_when_they_change(files):
    sdn, _ = files
    first = sanctions_refresh_task.delay().get()
    assert sanctions_refresh_task.delay().get() == first  # the same files: nothing new
    assert SanctionsList.objects.count() == 1
    assert AuditEvent.objects.filter(action=actions.SANCTIONS_LIST_LOADED).count() == 1
    sdn.write_text(sdn.read_text().replace("Gender Male.", "Gender Male; updated.", 1))  # republished
    newer = sanctions_refresh_task.delay().get()
    assert newer != first
    assert SanctionsList.objects.count() == 2


def test_without_configured_files_the_refresh_does_nothing(settings):
    settings.SANCTIONS_SDN_FILE = None
    assert sanctions_refresh_task.delay().get() is None
    assert not SanctionsList.objects.exists()


def test_a_broken_file_fails_the_run_and_keeps_the_list(files):
    sdn, _ = files
    first = sanctions_refresh_task.delay().get()
    sdn.write_text("not,an,sdn,row\n")
    with pytest.raises(SanctionsFileInvalid):
        sanctions_refresh_task.delay().get()
    assert list(SanctionsList.objects.values_list("pk", flat=True)) == [first]
