import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.verification import ledger_verify
from bankcore.backoffice.seeding.kyc import KYC_STATES, kyc_seed_load
from bankcore.backoffice.seeding.load import ledger_seed_load
from bankcore.money import CURRENCIES, InvalidAmount, parse_amount
from bankcore.progress import command_progress, progress_arguments


class Command(BaseCommand):
    help = (
        "Create load-test customers with funded accounts and ledger history, and write a JSON file "
        "of their emails, password and accounts for the load tests. Re-running adds new customers."
    )

    def add_arguments(self, parser):
        progress_arguments(parser)
        parser.add_argument("--customers", type=int, required=True)
        parser.add_argument("--accounts-per-customer", type=int, default=2)
        parser.add_argument("--opening-balance", default="1000.00", help='Decimal string, e.g. "1000.00".')
        parser.add_argument("--transactions-per-account", type=int, default=20)
        parser.add_argument(
            "--wires-per-account",
            type=int,
            default=0,
            help="Wires out of each account, each held and sent (every tenth left pending review).",
        )
        parser.add_argument("--currency", default="USD", choices=sorted(CURRENCIES))
        parser.add_argument("--password", required=True)
        parser.add_argument("--output", required=True, help="Where to write the JSON list of customers.")
        parser.add_argument(
            "--kyc",
            choices=KYC_STATES,
            default="none",
            help="The customers' KYC state: none, pending (submitted for review) or approved.",
        )
        parser.add_argument("--skip-verify", action="store_true", help="Do not run verify_ledger afterwards.")

    def handle(self, *args, **options):
        if options["customers"] < 1 or options["accounts_per_customer"] < 1:
            raise CommandError("--customers and --accounts-per-customer must be at least 1")
        if options["transactions_per_account"] < 1:
            raise CommandError("--transactions-per-account must be at least 1 (the opening deposit)")
        if options["wires_per_account"] < 0:
            raise CommandError("--wires-per-account must be 0 or more")
        try:
            opening_balance = parse_amount(options["opening_balance"], options["currency"])
        except InvalidAmount as exc:
            raise CommandError(f"--opening-balance: {exc.detail}") from None

        start = time.perf_counter()
        progress = command_progress(self, options, total=options["customers"], unit="customers")
        with progress:
            customers = ledger_seed_load(
                customers=options["customers"],
                accounts_per_customer=options["accounts_per_customer"],
                opening_balance=opening_balance,
                transactions_per_account=options["transactions_per_account"],
                password=options["password"],
                currency=options["currency"],
                wires_per_account=options["wires_per_account"],
                progress=progress.update,
            )
        kyc_seed_load(customers=customers, state=options["kyc"])
        elapsed = time.perf_counter() - start
        document = {
            "password": options["password"],
            "customers": [
                {
                    "email": customer.email,
                    "accounts": [
                        {"id": a.id, "account_number": a.account_number, "currency": a.currency}
                        for a in customer.accounts
                    ],
                }
                for customer in customers
            ],
        }
        Path(options["output"]).write_text(json.dumps(document, indent=1))
        accounts = sum(len(customer.accounts) for customer in customers)
        self.stdout.write(
            f"Seeded {len(customers)} customers with {accounts} accounts in {elapsed:.1f} s; "
            f"wrote {options['output']}."
        )
        if not options["skip_verify"]:
            report = ledger_verify()
            if not report.ok:
                raise CommandError("verify_ledger found a breach after seeding; run it for details")
            self.stdout.write(f"verify_ledger: {report.entries} entries consistent.")
