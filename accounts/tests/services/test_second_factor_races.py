"""One code, many sign-ins at once: a recovery code and an authenticator's code each pass
the second factor exactly once, however many requests carry it together."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from accounts.errors import SecondFactorIncorrect
from accounts.models import RecoveryCode
from accounts.services.devices import recovery_codes_issue
from accounts.services.signin import auth_admin_second_factor
from accounts.tests.factories import UserFactory
from accounts.tests.helpers import staff_authenticator, totp_code

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.requires_postgres("needs PostgreSQL row locks (SQLite serialises writers)"),
]

ATTEMPTS = 8


@pytest.fixture(autouse=True)
def _room_for_every_attempt(settings):
    # The member's own limit on codes counts every address: with room for all the attempts,
    # only the row locks can refuse the copies of the one code.
    settings.LOGIN_FAILURES_PER_EMAIL = ATTEMPTS


def _race(member, code: str) -> list[bool]:
    start = threading.Barrier(ATTEMPTS)

    def attempt(number: int) -> bool:
        start.wait()
        try:
            # Each from its own address: the per-address limits are not what refuses the others.
            auth_admin_second_factor(user=member, token=code, client_address=f"198.51.100.{number + 1}")
        except SecondFactorIncorrect:
            return False
        finally:
            connection.close()
        return True

    with ThreadPoolExecutor(max_workers=ATTEMPTS) as pool:
        return list(pool.map(attempt, range(ATTEMPTS)))


def test_a_recovery_code_sent_by_many_at_once_signs_in_once():
    member = UserFactory(is_staff=True)
    staff_authenticator(member)
    codes = recovery_codes_issue(user=member)
    assert _race(member, codes[0]).count(True) == 1
    assert RecoveryCode.objects.filter(device__user=member).count() == len(codes) - 1


def test_an_authenticator_code_sent_by_many_at_once_signs_in_once():
    member = UserFactory(is_staff=True)
    code = totp_code(staff_authenticator(member))
    assert _race(member, code).count(True) == 1
