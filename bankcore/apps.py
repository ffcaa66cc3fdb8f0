"""bankcore's AppConfig: it starts the kernel's hooks (the query timer, the database's
identity after migrate) and wires in the composition layer (bankcore.backoffice) once every
app is ready."""

import os

from django.apps import AppConfig
from django.apps import apps as global_apps
from django.core.cache import close_caches
from django.core.signals import request_finished
from django.db import DEFAULT_DB_ALIAS
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


class BankcoreConfig(AppConfig):
    name = "bankcore"
    verbose_name = "bankcore"

    def ready(self) -> None:
        from django.conf import settings

        from bankcore import checks  # noqa: F401 - registers the deployment checks
        from bankcore.backoffice import (
            admin,  # noqa: F401 - the back office's settings, database report and Tools section
            metrics,  # noqa: F401 - registers the cross-app business gauges of /metrics
        )
        from bankcore.observability import install_query_timer

        private_directory_ensure(settings.FILE_UPLOAD_TEMP_DIR)
        if settings.CELERY_BROKER_URL:
            # Without the broker no background work runs, while money still moves: degraded.
            from bankcore.celery import broker_check
            from bankcore.health import health_check_register

            health_check_register("broker", broker_check)

        connection_created.connect(install_query_timer, dispatch_uid="bankcore.query_timer")
        # Django closes every cache after each request, for backends that hold a connection
        # per request. bankcore's hold none: django-redis keeps one pool for the process
        # (its close() does nothing unless CLOSE_CONNECTION is set, which
        # bankcore/tests/project/test_configuration.py keeps unset) and local memory has
        # nothing to close. The walk over the caches cost ~3% of a cached read's CPU.
        request_finished.disconnect(close_caches)
        post_migrate.connect(
            database_identity_after_migrate, sender=self, dispatch_uid="bankcore.database_identity"
        )


def private_directory_ensure(path: str) -> None:
    """Make ``path`` a directory only this process's user may enter (0700), tightening one
    that exists: uploads stream the documents' plaintext into it."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    os.chmod(path, 0o700)


def database_identity_after_migrate(sender, using, apps=global_apps, **kwargs) -> None:
    """After migrate or flush: a database emptied by flush gets a new identity.

    Its old cached values describe data that is gone, so they must become unreachable.
    """
    from bankcore.cache import database_identity, database_identity_forget
    from bankcore.services import database_identity_ensure

    try:  # migrate passes the models as migrated so far; flush passes none
        identities = apps.get_model("bankcore", "DatabaseIdentity")
    except LookupError:  # migrated back to before the table existed
        return
    database_identity_ensure(identities=identities, using=using)
    if using == DEFAULT_DB_ALIAS:
        database_identity_forget()
        database_identity()  # read now, so no request pays for it
