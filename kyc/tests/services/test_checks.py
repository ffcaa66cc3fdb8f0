import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError


def test_deploy_check_warns_when_kyc_keys_do_not_come_from_the_environment(settings):
    settings.KYC_ENCRYPTION_KEYS = []
    settings.KYC_LOOKUP_KEY = None
    with pytest.raises(SystemCheckError, match=r"kyc\.W001"):
        call_command("check", "--deploy", "--fail-level", "WARNING", "--tag", "security")


def test_deploy_check_is_quiet_with_both_keys(settings):
    settings.KYC_ENCRYPTION_KEYS = ["a-key"]
    settings.KYC_LOOKUP_KEY = "another"
    from kyc.checks import kyc_keys_from_the_environment

    assert kyc_keys_from_the_environment(None) == []


def ids(messages) -> list[str]:
    return [message.id for message in messages]


@pytest.mark.parametrize(("key", "warned"), [("short", True), ("x" * 40, False), (None, False)])
def test_a_short_lookup_key_is_named(settings, key, warned):
    from kyc.checks import kyc_lookup_key_strong

    settings.KYC_LOOKUP_KEY = key
    assert ids(kyc_lookup_key_strong(None)) == (["kyc.W002"] if warned else [])


@pytest.mark.django_db
def test_no_sanctions_list_at_all_is_named_and_a_loaded_one_is_not(settings):
    from kyc.checks import sanctions_list_current
    from kyc.tests.helpers import FIXTURES

    settings.SANCTIONS_SDN_FILE = None
    assert "No sanctions list is loaded" in sanctions_list_current(None)[0].msg
    call_command("sanctions_load", FIXTURES / "sdn.csv", "--alt", FIXTURES / "alt.csv", stdout=None)
    assert sanctions_list_current(None) == []


@pytest.mark.django_db
def test_a_hand_loaded_list_goes_stale_after_thirty_days(settings):
    from datetime import timedelta

    from django.utils import timezone

    from kyc.checks import sanctions_list_current
    from kyc.models import SanctionsList
    from kyc.tests.helpers import FIXTURES

    settings.SANCTIONS_SDN_FILE = None
    call_command("sanctions_load", FIXTURES / "sdn.csv", stdout=None)
    SanctionsList.objects.update(loaded_at=timezone.now() - timedelta(days=29))
    assert sanctions_list_current(None) == []
    SanctionsList.objects.update(loaded_at=timezone.now() - timedelta(days=31))
    assert "loaded 31 days ago" in sanctions_list_current(None)[0].msg


@pytest.mark.django_db
def test_a_configured_file_changed_and_not_loaded_for_a_day_is_named(settings, tmp_path):
    import os
    import shutil
    import time

    from kyc.checks import sanctions_list_current
    from kyc.tests.helpers import FIXTURES

    sdn = tmp_path / "sdn.csv"
    shutil.copy(FIXTURES / "sdn.csv", sdn)
    settings.SANCTIONS_SDN_FILE, settings.SANCTIONS_ALT_FILE = str(sdn), None
    call_command("sanctions_load", sdn, stdout=None)
    two_days_ago = time.time() - 2 * 86400
    os.utime(sdn, (two_days_ago, two_days_ago))
    assert sanctions_list_current(None) == []  # the file is the one loaded, however old
    sdn.write_text(sdn.read_text().replace("Gender Male.", "Gender Male; updated.", 1))
    assert sanctions_list_current(None) == []  # changed just now: the refresh has a day
    os.utime(sdn, (two_days_ago, two_days_ago))
    assert "not loaded since" in sanctions_list_current(None)[0].msg
    settings.SANCTIONS_SDN_FILE = str(tmp_path / "gone.csv")
    assert "cannot be read" in sanctions_list_current(None)[0].msg
