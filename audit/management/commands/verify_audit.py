import dataclasses
import time

from django.core.management.base import CommandError

from audit.selectors import ChainHead, audit_last_checkpoint, audit_sealed_from, audit_verify
from audit.services import audit_checkpoint_record
from bankcore.commands import Report, ReportCommand


class Command(ReportCommand):
    help = (
        "Recompute the audit hash chain and report its first broken link (exit 1; 2: could not "
        "run); print the chain head, to be kept outside the database. --json: one object with "
        "the outcome, the events checked, the first break, the unsealed overdue and the head."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
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

    def report(self, *, checkpoint: str | None, from_last_checkpoint: bool, **options) -> Report:
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
        first = start_at.sequence + 1 if start_at else 1
        with self.progress(total=audit_sealed_from(first), unit="events") as progress:
            chain = audit_verify(checkpoint=start_at, progress=progress.update)
        elapsed = time.perf_counter() - started
        result = Report(
            ok=chain.ok,
            data={
                "checked": chain.checked,
                "start": chain.start,
                "first_break": chain.first_break and dataclasses.asdict(chain.first_break),
                "unsealed_overdue": chain.unsealed_overdue,
                "head": None if chain.head is None else str(chain.head),
            },
            failure="The audit chain is broken (see above).",
        )
        result.say(
            f"Checked {chain.checked} sealed audit events from sequence {chain.start} in {elapsed:.2f} s."
        )
        if not chain.ok:
            result.say(f"BROKEN LINK at {chain.first_break}", "ERROR")
            return result
        if chain.unsealed_overdue:
            result.say(
                f"{chain.unsealed_overdue} audit events older than the seal margin are not sealed: "
                "is audit_seal running?",
                "WARNING",
            )
        if chain.head is None:
            result.say("No sealed audit events yet.")
            return result
        if chain.checked:
            audit_checkpoint_record(head=chain.head, events_checked=chain.checked)
        result.say("The audit chain is intact.", "SUCCESS")
        result.say(f"Chain head (publish it outside the database): {chain.head}")
        return result
