from django.core.management.base import BaseCommand

from accounts.services.signin import auth_tokens_purge_expired


class Command(BaseCommand):
    help = "Delete expired session tokens (run it daily; expired tokens are refused either way)."

    def handle(self, *args, **options):
        self.stdout.write(f"Deleted {auth_tokens_purge_expired()} expired session token(s).")
