from django.core.management.base import BaseCommand

from bankcore.backoffice.operations import database_identity_renew


class Command(BaseCommand):
    help = (
        "Give the database a new identity, so no value cached before is read again. Run it after "
        "restoring a backup of this same database, before starting the app."
    )

    def handle(self, *args, **options):
        identity = database_identity_renew()
        self.stdout.write(
            f"The database's identity is now {identity.value}. Restart every bankcore process that "
            "is still running: each keeps the identity it read."
        )
