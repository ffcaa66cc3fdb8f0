from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from bankcore.progress import command_progress, progress_arguments
from kyc.errors import SanctionsFileInvalid
from kyc.services.screening import sanctions_list_load


class Command(BaseCommand):
    help = (
        "Load a sanctions list in the OFAC SDN CSV format (sdn.csv, and optionally its alt.csv "
        "aliases) as the newest version screened against; the same files again change nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("sdn_file", type=Path, help="sdn.csv: the listed parties")
        parser.add_argument("--alt", type=Path, help="alt.csv: their aliases")
        progress_arguments(parser)

    def handle(self, *args, sdn_file, alt, **options):
        for path in filter(None, [sdn_file, alt]):
            if not path.is_file():
                raise CommandError(f"{path} is not a readable file.")
        try:
            with command_progress(self, options, total=None, unit="entries") as progress:
                sanctions_list, created = sanctions_list_load(
                    sdn_path=sdn_file, alt_path=alt, progress=progress.update
                )
        except SanctionsFileInvalid as error:
            raise CommandError(error.detail) from None
        if created:
            self.stdout.write(
                f"Loaded sanctions list version {sanctions_list.pk}: {sanctions_list.entry_count} entries."
            )
        else:
            self.stdout.write(f"Sanctions list version {sanctions_list.pk} already holds these files.")
