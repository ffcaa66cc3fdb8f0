"""What bankcore's operator commands share: one way to answer a script and a person.

``ReportCommand`` gives a management command ``--json`` (one JSON object on stdout: the
outcome, the counts, timings) and the documented exit codes (docs/operations.md):

    0  ok: the command ran and found nothing wrong
    1  broken: it ran and found a broken invariant (a ledger breach, a broken chain)
    2  could not run: bad arguments, or the database or the cache did not answer

A subclass's ``report(**options)`` returns a ``Report``; the prose for a person is its
``lines``, the object for a script its ``data``.
"""

import json
import time
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from bankcore.progress import Progress, command_progress, progress_arguments

OK, BROKEN, COULD_NOT_RUN = 0, 1, 2


@dataclass
class Report:
    """A command's result: ``ok`` false when it found a broken invariant; ``data`` the JSON
    object's fields; ``lines`` what a person reads, each with its style (``None``, ``"ERROR"``,
    ``"WARNING"``, ``"SUCCESS"``)."""

    ok: bool = True
    data: dict = field(default_factory=dict)
    lines: list[tuple[str, str | None]] = field(default_factory=list)
    failure: str = ""

    def say(self, text: str, style: str | None = None) -> None:
        self.lines.append((text, style))


class ReportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print one JSON object (exit 0, 1 or 2).")
        progress_arguments(parser)

    def report(self, **options) -> Report:
        """The command's work and its result; each command defines its own."""
        raise NotImplementedError(f"{type(self).__module__} defines no report()")

    def progress(self, *, total: int | None, unit: str) -> Progress:
        """Progress on stderr (stdout is the answer's), as the command's options say."""
        return command_progress(self, self._options, total=total, unit=unit)

    def handle(self, *args, json: bool = False, **options):
        self._options = options
        started = time.perf_counter()
        try:
            result = self.report(**options)
        except CommandError as exc:  # refused arguments: the command did not run
            self._could_not_run(str(exc), as_json=json, returncode=COULD_NOT_RUN)
        except Exception as exc:
            # The database, the cache, or a bug: it could not run, which is not a broken
            # invariant (exit 1). --traceback shows the stack, as Django's commands do.
            if options.get("traceback"):
                raise
            reason = f"{type(exc).__name__}: {exc}".strip()
            self._could_not_run(reason, as_json=json, returncode=COULD_NOT_RUN)
        seconds = round(time.perf_counter() - started, 3)
        if json:
            outcome = "ok" if result.ok else "broken"
            self.stdout.write(_dumps({"outcome": outcome, **result.data, "seconds": seconds}))
        else:
            for text, style in result.lines:
                self.stdout.write(getattr(self.style, style)(text) if style else text)
        if not result.ok:
            raise CommandError(result.failure or "A broken invariant (see above).", returncode=BROKEN)

    def _could_not_run(self, message: str, *, as_json: bool, returncode: int):
        if as_json:
            self.stdout.write(_dumps({"outcome": "could_not_run", "error": message}))
        raise CommandError(message, returncode=returncode)


def _plain(value):
    """JSON for what the database hands back: whole Decimals (PostgreSQL's SUM of integers)
    as numbers, the rest as text."""
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return int(value)
    return str(value)


def _dumps(data: dict) -> str:
    return json.dumps(data, default=_plain)
