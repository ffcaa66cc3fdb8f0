import dataclasses
import time

from accounts.verification import LEDGER_STEPS, ledger_verification_record, ledger_verify
from audit.selectors import audit_sealed_from, audit_verify
from bankcore.commands import Report, ReportCommand

CHECKS = [
    ("unbalanced_currencies", "entries of a currency that do not sum to zero", "currency {0}: {1}"),
    ("unbalanced_postings", "postings whose entries do not sum to zero", "posting {0}: {1}"),
    (
        "balance_mismatches",
        "accounts whose balance differs from their entries",
        "account {0}: balance {1}, entries {2}",
    ),
    (
        "balance_after_mismatches",
        "accounts whose balance differs from their newest entry's balance_after",
        "account {0}: balance {1}, newest balance_after {2}",
    ),
    ("negative_customer_accounts", "customer accounts below zero", "account {0}: {1}"),
]


class Command(ReportCommand):
    help = (
        "Check the ledger's invariants and the audit hash chain over the whole database; exit 1 "
        "on any breach (2: could not run). Prints the audit chain head, to be kept outside the "
        "database; the outcome is kept in the audit log, where /metrics reads it. --json: one "
        "object with the outcome, each check's offenders, the chain and the timing."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--limit", type=int, default=20, help="Offenders to list per check.")

    def report(self, *, limit: int, **options) -> Report:
        start = time.perf_counter()
        with self.progress(total=LEDGER_STEPS, unit="checks") as progress:
            ledger = ledger_verify(limit=limit, progress=progress.update)
        elapsed = time.perf_counter() - start
        ledger_verification_record(report=ledger, seconds=elapsed)
        with self.progress(total=audit_sealed_from(1), unit="events") as progress:
            chain = audit_verify(progress=progress.update)
        result = Report(
            ok=ledger.ok and chain.ok,
            data={
                "entries": ledger.entries,
                "accounts": ledger.accounts,
                "checks": {name: [list(row) for row in getattr(ledger, name)] for name, _, _ in CHECKS},
                "audit_chain": {
                    "ok": chain.ok,
                    "checked": chain.checked,
                    "first_break": None
                    if chain.first_break is None
                    else dataclasses.asdict(chain.first_break),
                    "unsealed_overdue": chain.unsealed_overdue,
                    "head": None if chain.head is None else str(chain.head),
                },
            },
            failure="The ledger breaks its invariants (see above)."
            if not ledger.ok
            else "The audit chain is broken (see above).",
        )
        result.say(
            f"Checked {ledger.entries} ledger entries on {ledger.accounts} accounts in {elapsed:.2f} s."
        )
        for name, title, line in CHECKS:
            offenders = getattr(ledger, name)
            if offenders:
                result.say(f"BREACH: {title}:", "ERROR")
                for offender in offenders:
                    result.say("  " + line.format(*offender))
            else:
                result.say(f"ok: no {title}")
        if chain.ok:
            result.say(f"ok: the audit chain holds ({chain.checked} sealed events)")
        else:
            result.say(f"BREACH: the audit chain is broken at {chain.first_break}", "ERROR")
        if chain.unsealed_overdue:
            result.say(
                f"{chain.unsealed_overdue} audit events older than the seal margin are not sealed", "WARNING"
            )
        if chain.head is not None:
            result.say(f"Audit chain head (publish it outside the database): {chain.head}")
        if result.ok:
            result.say("The ledger is consistent.", "SUCCESS")
        return result
