"""bankcore's Celery application: background work on workers, with RabbitMQ as the broker.

    celery -A bankcore worker        # make worker
    celery -A bankcore beat          # make beat: the schedules, kept in the database

Its settings are Django's ``CELERY_*`` (bankcore.settings). Each app keeps its tasks in its
own ``tasks`` module, thin wrappers around its services; their schedules are rows staff see
and change in the back office (django-celery-beat's periodic tasks), the defaults written by
a migration. With no ``CELERY_BROKER_URL`` (``make run``, the tests) every task runs at once
in the process that asks for it, and nothing needs a broker.
"""

import os

from celery import Celery
from django.core.checks import Warning, register

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bankcore.settings")

app = Celery("bankcore")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@register(deploy=True)
def broker_configured(app_configs, **kwargs):
    """Without a broker every task runs in the process that asks for it: in production, beat
    would run the sealer, the expiries and the ledger scan itself, one after another."""
    from django.conf import settings

    if settings.CELERY_BROKER_URL:
        return []
    return [
        Warning(
            "CELERY_BROKER_URL unset: background tasks run in the process that asks for them.",
            hint="Set it to the RabbitMQ the workers and beat use (amqp://user:pass@host:5672//).",
            id="bankcore.W001",
        )
    ]
