"""The operator commands' ``--json`` and exit codes (bankcore.commands; docs/operations.md):
one JSON object a script reads, exit 0 when all is well, 1 on a broken invariant, 2 when the
command could not run."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Account
from accounts.tests.factories import AccountFactory, fund
from audit.services import audit_seal

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[4]


def run_json(capsys, *args) -> tuple[dict, int]:
    """The command's JSON object and its exit code (Django's run_from_argv exits with a
    CommandError's returncode)."""
    code = 0
    try:
        call_command(*args, "--json")
    except CommandError as exc:
        code = exc.returncode
    return json.loads(capsys.readouterr().out), code


def test_verify_ledger_and_verify_audit_say_ok_with_their_counts(capsys, transfer):
    a, b = fund(AccountFactory(), 1000), AccountFactory()
    transfer(a, b, 300)
    audit_seal(margin_seconds=0)
    ledger, code = run_json(capsys, "verify_ledger")
    assert code == 0
    assert ledger["outcome"] == "ok"
    assert (ledger["entries"], ledger["accounts"]) == (4, 3)  # the deposit's cash side too
    assert all(offenders == [] for offenders in ledger["checks"].values())
    assert len(ledger["checks"]) == 5
    assert ledger["audit_chain"]["ok"] is True
    assert ledger["seconds"] >= 0
    chain, code = run_json(capsys, "verify_audit")
    assert code == 0
    assert chain["outcome"] == "ok"
    assert chain["head"] == ledger["audit_chain"]["head"]
    assert chain["checked"] == ledger["audit_chain"]["checked"] > 0


def test_a_broken_ledger_is_outcome_broken_and_exit_1_with_its_offender(capsys, transfer):
    a, b = fund(AccountFactory(), 1000), AccountFactory()
    transfer(a, b, 300)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Account._meta.db_table} SET balance = balance + 1 WHERE id = %s", [b.pk])  # noqa: S608
    ledger, code = run_json(capsys, "verify_ledger")
    assert code == 1
    assert ledger["outcome"] == "broken"
    assert ledger["checks"]["balance_mismatches"] == [[b.pk, 301, 300]]


def test_audit_seal_and_cache_stats_and_db_report_answer_in_json(capsys, transfer):
    fund(AccountFactory(), 1000)
    sealed, code = run_json(capsys, "audit_seal", "--margin-seconds", "0")
    assert code == 0
    assert sealed["outcome"] == "ok"
    assert sealed["sealed"] > 0
    assert sealed["head"].startswith(f"{sealed['sealed']}:")
    stats, code = run_json(capsys, "cache_stats")
    assert (stats["outcome"], code) == ("ok", 0)
    assert isinstance(stats["families"], dict)
    report, code = run_json(capsys, "db_report", "--limit", "3")
    assert (report["outcome"], code) == ("ok", 0)
    assert report["sections"][0]["title"] == "Database"


def test_bad_arguments_are_exit_2(capsys):
    answer, code = run_json(capsys, "audit_seal", "--batch-size", "0")
    assert (answer["outcome"], code) == ("could_not_run", 2)
    assert "--batch-size" in answer["error"]


@pytest.mark.parametrize(
    ("command", "environment", "error"),
    [
        # Nothing listens on port 1; the pool gives up after DB_POOL_TIMEOUT.
        (
            "verify_ledger",
            {"DATABASE_URL": "postgres://postgres@127.0.0.1:1/none", "DB_POOL_TIMEOUT": "1"},
            "OperationalError",
        ),
        ("cache_stats", {"REDIS_URL": "redis://127.0.0.1:1/0"}, "ConnectionError"),
    ],
)
def test_a_database_or_cache_that_does_not_answer_is_exit_2(command, environment, error):
    env = {**os.environ, "DEBUG": "true", **environment}
    if "REDIS_URL" not in environment:
        env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", command, "--json", "--quiet"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    answer = json.loads(result.stdout)
    assert answer["outcome"] == "could_not_run"
    assert error in answer["error"]


def test_a_failure_of_its_own_is_exit_2_not_a_broken_invariant(capsys, monkeypatch):
    from bankcore.cache import stats

    def broken():
        raise KeyError("a bug")

    monkeypatch.setattr(stats, "snapshot", broken)
    answer, code = run_json(capsys, "cache_stats")
    assert (answer["outcome"], code) == ("could_not_run", 2)
    assert "KeyError" in answer["error"]
