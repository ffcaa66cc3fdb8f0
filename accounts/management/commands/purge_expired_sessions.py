from django.core.management.base import BaseCommand

from accounts.services.signin import auth_tokens_purge_expired
from bankcore.progress import command_progress, progress_arguments


class Command(BaseCommand):
    help = (
        "Delete expired session tokens, a batch at a time (run it daily; expired tokens are "
        "refused either way)."
    )

    def add_arguments(self, parser):
        progress_arguments(parser)

    def handle(self, *args, **options):
        with command_progress(self, options, total=None, unit="tokens") as progress:
            deleted = auth_tokens_purge_expired(progress=progress.update)
        self.stdout.write(f"Deleted {deleted} expired session token(s).")
