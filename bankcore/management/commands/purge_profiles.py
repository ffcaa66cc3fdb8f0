from datetime import timedelta

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from bankcore.backoffice.operations import profiles_purge
from bankcore.errors import DomainError
from bankcore.progress import command_progress, progress_arguments


class Command(BaseCommand):
    help = (
        "Delete silk's recorded requests, with their SQL and profiles: those older than "
        "--older-than-hours, or all of them with --all. --actor names the member of staff "
        "(holding accounts.purge_profiling) the audit log records as deleting them."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--older-than-hours", type=int, metavar="N")
        which.add_argument("--all", action="store_true")
        parser.add_argument("--actor", required=True, metavar="EMAIL", help="who is deleting them")
        progress_arguments(parser)

    def handle(self, *args, **options):
        older_than_hours = options["older_than_hours"]
        if not apps.is_installed("silk"):
            raise CommandError("silk is not enabled (SILK_ENABLED=false): there is nothing to purge.")
        if older_than_hours is not None and older_than_hours < 0:
            raise CommandError("--older-than-hours must be zero or more.")
        actor = User.objects.filter(email__iexact=options["actor"], is_active=True, is_staff=True).first()
        if actor is None:
            raise CommandError(f"No active member of staff has the email {options['actor']}.")
        older_than = None if options["all"] else timedelta(hours=older_than_hours)
        try:
            with command_progress(self, options, total=None, unit="requests") as progress:
                deleted = profiles_purge(older_than=older_than, actor=actor, progress=progress.update)
        except DomainError as refusal:
            raise CommandError(refusal.detail) from None
        self.stdout.write(f"Deleted {deleted} recorded request(s).")
