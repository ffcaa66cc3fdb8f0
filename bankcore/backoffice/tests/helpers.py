"""What the back office's test modules share."""

import os

from django.contrib.auth.models import Group, Permission

from accounts.tests.factories import UserFactory

# The broker the RabbitMQ tests use (requires_rabbitmq): these machines run one, guest/guest.
TEST_BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "amqp://guest:guest@127.0.0.1:5672//")

URL = "/admin/database-report/"


def staff(*codenames):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def _member(role: str):
    member = UserFactory(is_staff=True, email=f"{role}@example.test")
    member.groups.add(Group.objects.get(name=role))
    return member
