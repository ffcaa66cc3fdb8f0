from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bankcore.backoffice.seeding.demo import demo_seed


class Command(BaseCommand):
    help = "Create (or reset) the demo customer and staff users and print their credentials."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo passwords are published: never on a real deployment.",
        )

    def handle(self, *args, force: bool = False, **options):
        # The demo users, a superuser among them, have passwords printed in bankcore's demo
        # seeding and the README; outside local development they would be open doors.
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with published passwords, a superuser among them, and runs only "
                "with DEBUG on (as `make run` sets it). Pass --force to run it anyway."
            )
        demo_seed(write=self.stdout.write)
