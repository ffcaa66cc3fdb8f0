from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from accounts.services.bank_accounts import account_open
from accounts.services.deposits import deposit_create
from accounts.services.users import user_ensure
from transfers.services.transfers import transfer_create

DEMO_USERS = [
    # (email, password, full name, is_staff, is_superuser, role: a group made by accounts/0008_roles)
    ("customer@bankcore.test", "demo-customer-Pass-2026", "Dana Customer", False, False, None),
    ("payee@bankcore.test", "demo-payee-Pass-2026", "Pat Payee", False, False, None),
    ("compliance@bankcore.test", "demo-compliance-Pass-2026", "Casey Compliance", True, False, "compliance"),
    (
        "compliance2@bankcore.test",
        "demo-compliance2-Pass-2026",
        "Corey Compliance",
        True,
        False,
        "compliance",
    ),
    ("support@bankcore.test", "demo-support-Pass-2026", "Sam Support", True, False, "support"),
    (
        "engineering@bankcore.test",
        "demo-engineering-Pass-2026",
        "Eli Engineering",
        True,
        False,
        "engineering",
    ),
    ("admin@bankcore.test", "demo-admin-Pass-2026", "Alex Admin", True, True, None),
]


class Command(BaseCommand):
    help = "Create (or reset) the demo customer and staff users and print their credentials."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo passwords are published: never on a real deployment.",
        )

    def handle(self, *args, force: bool = False, **options):
        # The demo users, a superuser among them, have passwords printed in this file and the
        # README; outside local development they would be open doors.
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates users with published passwords, a superuser among them, and runs only "
                "with DEBUG on (as `make run` sets it). Pass --force to run it anyway."
            )
        self.stdout.write("Demo users (email / password):")
        users = {}
        for email, password, full_name, is_staff, is_superuser, role in DEMO_USERS:
            user, created = user_ensure(
                email=email,
                password=password,
                full_name=full_name,
                is_staff=is_staff,
                is_superuser=is_superuser,
            )
            if role:
                user.groups.add(Group.objects.get(name=role))
            kind = "superuser" if is_superuser else role or "customer"
            state = "created" if created else "reset"
            self.stdout.write(f"  {kind:<11} {email} / {password}  ({state})")
            users[email] = user
        self._demo_money(
            users["customer@bankcore.test"], users["payee@bankcore.test"], users["admin@bankcore.test"]
        )

    def _demo_money(self, customer, payee, teller):
        """Funded accounts and some history for the demo customer, made once."""
        if customer.bank_accounts.exists():
            return
        checking = account_open(customer=customer, kind="checking", currency="USD")
        savings = account_open(customer=customer, kind="savings", currency="USD")
        euros = account_open(customer=customer, kind="checking", currency="EUR")
        payee_account = account_open(customer=payee, kind="checking", currency="USD")
        deposit_create(account=checking, amount=2_500_00, reason="Opening deposit at branch", actor=teller)
        deposit_create(account=euros, amount=800_00, reason="Opening deposit at branch", actor=teller)
        for amount, destination, description in [
            (500_00, savings, "Monthly savings"),
            (1_250_00, payee_account, "Rent, November"),
            (42_50, payee_account, "Dinner, split"),
        ]:
            transfer_create(
                customer=customer,
                source_account_id=checking.pk,
                destination_number=destination.number,
                amount=amount,
                currency="USD",
                description=description,
                auth_token=None,
                idempotency_claim=None,
            )
        self.stdout.write(
            f"Demo accounts of {customer.email}: checking {checking.number}, savings {savings.number}, "
            f"EUR {euros.number}; payee account {payee_account.number}."
        )
