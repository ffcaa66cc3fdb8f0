import time

from django.core.management.base import BaseCommand, CommandError

from audit.selectors import ChainHead, audit_last_checkpoint, audit_verify
from audit.services import audit_checkpoint_record


class Command(BaseCommand):
    help = (
        "Recompute the audit hash chain and report its first broken link (exit 1); print the "
        "chain head, to be kept outside the database."
    )

    def add_arguments(self, parser):
        start = parser.add_mutually_exclusive_group()
        start.add_argument(
            "--checkpoint",
            metavar="SEQUENCE:HASH",
            help="Start after a head printed by an earlier run and kept outside the database.",
        )
        start.add_argument(
            "--from-last-checkpoint",
            action="store_true",
            help="Start after the newest checkpoint this command recorded in the database (faster; "
            "the full check remains the authority).",
        )

    def handle(self, *args, checkpoint: str | None, from_last_checkpoint: bool, **options):
        start_at = None
        if checkpoint:
            try:
                start_at = ChainHead.parse(checkpoint)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        elif from_last_checkpoint:
            last = audit_last_checkpoint()
            start_at = ChainHead(last.sequence, last.hash) if last else None
        started = time.perf_counter()
        report = audit_verify(checkpoint=start_at)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Checked {report.checked} sealed audit events from sequence {report.start} in {elapsed:.2f} s."
        )
        if not report.ok:
            self.stdout.write(self.style.ERROR(f"BROKEN LINK at {report.first_break}"))
            raise CommandError("The audit chain is broken (see above).")
        if report.unsealed_overdue:
            self.stdout.write(
                self.style.WARNING(
                    f"{report.unsealed_overdue} audit events older than the seal margin are not sealed: "
                    "is audit_seal running?"
                )
            )
        if report.head is None:
            self.stdout.write("No sealed audit events yet.")
            return
        if report.checked:
            audit_checkpoint_record(head=report.head, events_checked=report.checked)
        self.stdout.write(self.style.SUCCESS("The audit chain is intact."))
        self.stdout.write(f"Chain head (publish it outside the database): {report.head}")
