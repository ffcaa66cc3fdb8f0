"""What the back office's test modules share."""

from django.contrib.auth.models import Group, Permission

from accounts.tests.factories import UserFactory
from bankcore.tests.worker import TEST_BROKER_URL  # noqa: F401 - the RabbitMQ tests' broker

URL = "/admin/database-report/"


def staff(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def _member(role: str):
    member = UserFactory(is_staff=True, email=f"{role}@example.test")
    member.groups.add(Group.objects.get(name=role))
    return member
