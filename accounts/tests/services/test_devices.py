"""Setting up an authenticator: the secret belongs to the session that was shown it, and a
member who has a confirmed authenticator never gets a second one by the setup page."""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services.devices import TOTP_DEVICE_NAME, totp_device_confirm, totp_device_for_setup
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import staff_authenticator, totp_code

pytestmark = pytest.mark.django_db


def test_setup_shows_each_session_its_own_secret_and_keeps_it_on_reload():
    member = UserFactory(is_staff=True)
    first = totp_device_for_setup(user=member, device_id=None)
    assert totp_device_for_setup(user=member, device_id=first.pk) == first
    second = totp_device_for_setup(user=member, device_id=None)
    assert second.bin_key != first.bin_key
    # Another member's pending device is never shown.
    other = totp_device_for_setup(user=UserFactory(is_staff=True), device_id=None)
    assert totp_device_for_setup(user=member, device_id=other.pk) not in (other, first)


def test_a_code_of_another_sessions_setup_confirms_nothing():
    member = UserFactory(is_staff=True)
    shown_elsewhere = totp_device_for_setup(user=member, device_id=None)
    code_elsewhere = totp_code(shown_elsewhere)
    own = totp_device_for_setup(user=member, device_id=None)
    assert totp_device_confirm(user=member, device_id=own.pk, token=code_elsewhere) is None
    # The other session's setup ended when this one began.
    assert totp_device_confirm(user=member, device_id=shown_elsewhere.pk, token=code_elsewhere) is None
    device, codes = totp_device_confirm(user=member, device_id=own.pk, token=totp_code(own))
    assert (device, len(codes)) == (own, 10)


def test_a_setup_finished_after_the_member_confirmed_one_replaces_nothing():
    # A setup page opened before the member confirmed their authenticator (the member's own
    # second tab, or someone holding the password) must not swap the confirmed one out.
    member = UserFactory(is_staff=True)
    confirmed = staff_authenticator(member)
    pending = TOTPDevice.objects.create(user=member, name=TOTP_DEVICE_NAME, confirmed=False)
    assert totp_device_confirm(user=member, device_id=pending.pk, token=totp_code(pending)) is None
    assert list(TOTPDevice.objects.filter(user=member, confirmed=True)) == [confirmed]
