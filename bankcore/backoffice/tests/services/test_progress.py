"""Long commands' progress (bankcore.progress): a bar on a terminal, periodic plain lines
where no terminal watches, nothing when asked to be quiet (in process), and for a real
command run in a pseudo-terminal and in a pipe."""

import io
import os
import pty
import select
import subprocess
import sys

import pytest

from bankcore.progress import Progress
from bankcore.tests.worker import ROOT, database_url


def test_without_a_terminal_it_writes_plain_lines_with_rate_and_time_left():
    stream = io.StringIO()
    with Progress(stream, total=10, unit="rows", what="purge", every=0) as progress:
        progress.update(4)
        progress.update(6)
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("purge: 4/10 rows (40%), ")
    assert lines[0].endswith(" s left")
    assert lines[1].startswith("purge: 10/10 rows (100%), ")
    assert "\r" not in stream.getvalue()


def test_lines_come_no_more_often_than_asked_and_an_unknown_total_counts_on():
    stream = io.StringIO()
    with Progress(stream, total=None, unit="keys", what="purge", every=3600) as progress:
        progress.update(5)
    assert stream.getvalue() == ""  # quicker than a line's interval: nothing to say
    with Progress(stream, total=None, unit="keys", what="purge", every=0) as progress:
        progress.update(5)
    assert stream.getvalue().startswith("purge: 5 keys, ")


def test_quiet_says_nothing():
    stream = io.StringIO()
    with Progress(stream, total=3, unit="rows", what="x", every=0, quiet=True) as progress:
        progress.update(3)
    assert stream.getvalue() == ""


def _read_all(fd: int) -> str:
    chunks = []
    while select.select([fd], [], [], 0.5)[0]:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


def test_on_a_terminal_it_draws_a_bar():
    main, terminal = pty.openpty()
    with os.fdopen(terminal, "w") as stream:
        with Progress(stream, total=4, unit="rows", what="verify") as progress:
            progress.update(4)
        stream.flush()
        drawn = _read_all(main)
    os.close(main)
    assert "verify: 100%" in drawn
    assert "4/4" in drawn


@pytest.fixture
def sealed_events(funded_account):
    from audit.services import audit_seal

    funded_account(balance=10_00)
    audit_seal(margin_seconds=0)


@pytest.mark.django_db(transaction=True)
@pytest.mark.requires_postgres("a command in another process reads the test's database")
def test_a_command_draws_a_bar_in_a_pseudo_terminal_and_writes_lines_in_a_pipe(sealed_events):
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": database_url()}
    env.pop("REDIS_URL", None)
    command = [sys.executable, "manage.py", "verify_audit", "--progress-seconds", "0"]
    piped = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert piped.returncode == 0, piped.stderr
    assert "verify_audit: " in piped.stderr
    assert "(100%)" in piped.stderr
    assert "The audit chain is intact." in piped.stdout

    main, terminal = pty.openpty()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=terminal, text=True)
    os.close(terminal)
    stdout, _ = process.communicate(timeout=120)
    drawn = _read_all(main)
    os.close(main)
    assert process.returncode == 0
    assert "verify_audit: 100%" in drawn
    assert "The audit chain is intact." in stdout

    quiet = subprocess.run(
        [*command, "--quiet"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert quiet.stderr == ""
