"""Progress of an operator's long command: a bar with its rate and time left on a terminal
(tqdm), a plain line every ``every`` seconds where no one watches one (cron, CI, a log
file), nothing with ``--quiet``.

    def add_arguments(self, parser):
        progress_arguments(parser)                      # --quiet, --progress-seconds

    def handle(self, *args, **options):
        with command_progress(self, options, total=count, unit="events") as progress:
            report = audit_verify(progress=progress.update)

Services take ``progress`` as a plain callable of the work just done (``None``: nobody
asks), so they import nothing of this.
"""

import os
import time

from tqdm import tqdm


class Progress:
    def __init__(
        self, stream, *, total: int | None, unit: str, what: str, quiet: bool = False, every: float = 10
    ):
        self.stream, self.total, self.unit, self.what = stream, total, unit, what
        self.quiet, self.every = quiet, every
        self.done = 0
        self.started = time.monotonic()
        self.said_at = self.started
        self.bar = None
        if not quiet and _is_terminal(stream):
            columns, lines = _size(stream)
            self.bar = tqdm(
                total=total, unit=f" {unit}", desc=what, file=_raw(stream), ncols=columns, nrows=lines
            )

    def update(self, done: int = 1) -> None:
        self.done += done
        if self.bar is not None:
            self.bar.update(done)
            return
        now = time.monotonic()
        if not self.quiet and now - self.said_at >= self.every:
            self.said_at = now
            self._say(self._line(now))

    def _line(self, now: float) -> str:
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        line = f"{self.what}: {self.done:,}"
        if self.total:
            left = (self.total - self.done) / rate if rate else 0
            share = self.done / self.total
            line += f"/{self.total:,} {self.unit} ({share:.0%}), {rate:,.0f}/s, {left:.0f} s left"
        else:
            line += f" {self.unit}, {rate:,.0f}/s"
        return line

    def _say(self, line: str) -> None:
        raw = _raw(self.stream)
        raw.write(line + "\n")
        raw.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif not self.quiet and self.done and time.monotonic() - self.started >= self.every:
            self._say(self._line(time.monotonic()))

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _raw(stream):
    """The file under Django's OutputWrapper, which would end each of tqdm's redraws with a
    newline."""
    return getattr(stream, "_out", stream)


def _size(stream) -> tuple[int, int]:
    """The terminal's columns and lines (a pseudo-terminal nobody sized says 0 x 0, which
    tqdm takes for no room at all: then 80 x 24)."""
    try:
        size = os.get_terminal_size(_raw(stream).fileno())
    except (AttributeError, OSError, ValueError):
        return 80, 24
    return size.columns or 80, size.lines or 24


def _is_terminal(stream) -> bool:
    try:
        return _raw(stream).isatty()
    except (AttributeError, ValueError):
        return False


def progress_arguments(parser) -> None:
    parser.add_argument("--quiet", action="store_true", help="No progress (it goes to stderr).")
    parser.add_argument(
        "--progress-seconds",
        type=float,
        default=10,
        metavar="N",
        help="Seconds between progress lines where stderr is no terminal (default 10).",
    )


def command_progress(command, options: dict, *, total: int | None, unit: str) -> Progress:
    """Progress of ``command`` on its stderr (its stdout is its answer), as its options say."""
    return Progress(
        command.stderr,
        total=total,
        unit=unit,
        what=type(command).__module__.rsplit(".", 1)[-1],
        quiet=options.get("quiet", False),
        every=options.get("progress_seconds", 10),
    )
