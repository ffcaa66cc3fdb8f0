import time

from django.core.management.base import CommandError

from audit.services import audit_seal
from bankcore.commands import Report, ReportCommand


class Command(ReportCommand):
    help = (
        "Seal committed audit events older than the seal margin into the hash chain. Safe to run "
        "from several processes at once; beat runs it every minute (or --every). --json: one "
        "object a run (sealed, busy, the head)."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="Keep running, sealing again every SECONDS (a sealer service); without it, seal once.",
        )
        parser.add_argument("--batch-size", type=int, default=5000, help="Events sealed per transaction.")
        parser.add_argument(
            "--margin-seconds",
            type=int,
            help="Seal events older than this instead of the audit.seal_margin_seconds setting. 0 is "
            "safe only while nothing writes (the app stopped): ids are not commit order.",
        )

    def handle(self, *args, every: float | None = None, **options):
        if every is not None and every <= 0:
            raise CommandError("--every must be a positive number of seconds.", returncode=2)
        while True:
            super().handle(*args, **options)
            if every is None:
                return
            time.sleep(every)

    def report(self, *, batch_size: int, margin_seconds: int | None, **options) -> Report:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if margin_seconds is not None and margin_seconds < 0:
            raise CommandError("--margin-seconds must be 0 or more.")
        with self.progress(total=None, unit="events") as progress:
            run = audit_seal(batch_size=batch_size, margin_seconds=margin_seconds, progress=progress.update)
        head = f"sequence {run.head.sequence}, hash {run.head.hash}" if run.head else "none yet"
        busy = " (another sealer holds the chain and seals the rest)" if run.busy else ""
        result = Report(
            data={"sealed": run.sealed, "busy": run.busy, "head": None if run.head is None else str(run.head)}
        )
        result.say(f"Sealed {run.sealed} audit events{busy}. Chain head: {head}")
        return result
