from django.core.management.base import BaseCommand

from bankcore.progress import command_progress, progress_arguments
from transfers.idempotency import idempotency_keys_purge


class Command(BaseCommand):
    help = "Forget Idempotency-Keys older than 24 hours (beat runs it daily), a batch at a time."

    def add_arguments(self, parser):
        progress_arguments(parser)

    def handle(self, *args, **options):
        with command_progress(self, options, total=None, unit="keys") as progress:
            deleted = idempotency_keys_purge(progress=progress.update)
        self.stdout.write(f"Forgot {deleted} idempotency key(s).")
