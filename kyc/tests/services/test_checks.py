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
