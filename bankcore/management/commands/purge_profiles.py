from datetime import timedelta

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from bankcore.observability import silk_profiles_purge


class Command(BaseCommand):
    help = (
        "Delete silk's recorded requests, with their SQL and profiles: those older than "
        "--older-than-hours, or all of them with --all."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--older-than-hours", type=int, metavar="N")
        which.add_argument("--all", action="store_true")

    def handle(self, *args, **options):
        older_than_hours = options["older_than_hours"]
        if not apps.is_installed("silk"):
            raise CommandError("silk is not enabled (SILK_ENABLED=false): there is nothing to purge.")
        if older_than_hours is not None and older_than_hours < 0:
            raise CommandError("--older-than-hours must be zero or more.")
        older_than = None if options["all"] else timedelta(hours=older_than_hours)
        deleted = silk_profiles_purge(older_than=older_than)
        self.stdout.write(f"Deleted {deleted} recorded request(s).")
