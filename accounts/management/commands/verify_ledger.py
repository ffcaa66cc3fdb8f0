import time

from django.core.management.base import BaseCommand, CommandError

from accounts.verification import ledger_verification_record, ledger_verify
from audit.selectors import audit_verify


class Command(BaseCommand):
    help = (
        "Check the ledger's invariants and the audit hash chain over the whole database; exit "
        "non-zero on any breach. Prints the audit chain head, to be kept outside the database; "
        "the outcome is kept in the audit log, where /metrics reads it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=20, help="Offenders to list per check.")

    def handle(self, *args, limit: int, **options):
        start = time.perf_counter()
        report = ledger_verify(limit=limit)
        elapsed = time.perf_counter() - start
        ledger_verification_record(report=report, seconds=elapsed)
        self.stdout.write(
            f"Checked {report.entries} ledger entries on {report.accounts} accounts in {elapsed:.2f} s."
        )
        checks = [
            (
                "entries of a currency that do not sum to zero",
                report.unbalanced_currencies,
                "currency {0}: {1}",
            ),
            ("postings whose entries do not sum to zero", report.unbalanced_postings, "posting {0}: {1}"),
            (
                "accounts whose balance differs from their entries",
                report.balance_mismatches,
                "account {0}: balance {1}, entries {2}",
            ),
            (
                "accounts whose balance differs from their newest entry's balance_after",
                report.balance_after_mismatches,
                "account {0}: balance {1}, newest balance_after {2}",
            ),
            ("customer accounts below zero", report.negative_customer_accounts, "account {0}: {1}"),
        ]
        for title, offenders, line in checks:
            if offenders:
                self.stdout.write(self.style.ERROR(f"BREACH: {title}:"))
                for offender in offenders:
                    self.stdout.write("  " + line.format(*offender))
            else:
                self.stdout.write(f"ok: no {title}")
        chain = audit_verify()
        if chain.ok:
            self.stdout.write(f"ok: the audit chain holds ({chain.checked} sealed events)")
        else:
            self.stdout.write(self.style.ERROR(f"BREACH: the audit chain is broken at {chain.first_break}"))
        if chain.unsealed_overdue:
            self.stdout.write(
                self.style.WARNING(
                    f"{chain.unsealed_overdue} audit events older than the seal margin are not sealed"
                )
            )
        if chain.head is not None:
            self.stdout.write(f"Audit chain head (publish it outside the database): {chain.head}")
        if not report.ok:
            raise CommandError("The ledger breaks its invariants (see above).")
        if not chain.ok:
            raise CommandError("The audit chain is broken (see above).")
        self.stdout.write(self.style.SUCCESS("The ledger is consistent."))
