from django.core.management.base import BaseCommand
from django.utils import timezone

from kyc.services.review import kyc_expire


class Command(BaseCommand):
    help = (
        "Mark photo IDs past their expiry date as expired and move approved profiles left without "
        "a valid approved one to needs_more_info (run it daily; running it again changes nothing)."
    )

    def handle(self, *args, **options):
        moved = kyc_expire(today=timezone.localdate())
        self.stdout.write(f"Asked {moved} approved profile(s) for a new photo ID.")
