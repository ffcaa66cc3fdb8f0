from django.core.management.base import BaseCommand

from transfers.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = "Forget Idempotency-Keys older than 24 hours (run it daily)."

    def handle(self, *args, **options):
        deleted = idempotency_keys_purge()
        self.stdout.write(f"Forgot {deleted} idempotency key(s).")
