"""deploy/monitoring/alerts.yml: valid for promtool, its own unit tests pass, and every metric it watches
is one /metrics exports; the same for the Grafana dashboard's panels."""

import json
import re
import shutil
import subprocess

import pytest
import yaml
from django.conf import settings

from bankcore.tests.helpers import scrape

PROMTOOL = shutil.which("promtool")
MONITORING = settings.BASE_DIR / "deploy" / "monitoring"
# Metrics the rules may watch before /metrics exports them: none.
ANNOUNCED: set[str] = set()


def rule_expressions() -> list[str]:
    document = yaml.safe_load((MONITORING / "alerts.yml").read_text())
    return [rule["expr"] for group in document["groups"] for rule in group["rules"]]


def dashboard_expressions() -> list[str]:
    dashboard = json.loads((MONITORING / "grafana-dashboard.json").read_text())
    return [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]


@pytest.mark.django_db
@pytest.mark.parametrize("expressions", [rule_expressions, dashboard_expressions])
def test_every_metric_watched_is_exported(
    client, expressions, funded_account, bearer_client, api_transfer, django_capture_on_commit_callbacks
):
    watched = set()
    for expression in expressions():
        watched |= set(re.findall(r"\bbankcore_[a-z_]+", expression))
    assert watched, "the pattern must find the metrics"
    # A deposit, a transfer and a cached read, so the families per currency and per cache
    # family have samples (the test's transaction never commits: its callbacks run here).
    with django_capture_on_commit_callbacks(execute=True):
        source, destination = funded_account(balance=10_00), funded_account()
        api = bearer_client(source.customer)
        assert api_transfer(api, source, destination.number, "1.00", key="watched").status_code == 201
        assert api.get(f"/api/accounts/{source.pk}/balance").status_code == 200
    exported = {name for name, _labels in scrape(client)}
    suffixes = ("", "_total", "_bucket", "_count", "_sum")
    missing = {name for name in watched if not any(name + suffix in exported for suffix in suffixes)}
    # Families read from rows that the test database may not have yet.
    missing -= {
        "bankcore_ledger_verification_ok",
        "bankcore_ledger_verification_timestamp_seconds",
        "bankcore_schedule_last_run_timestamp_seconds",
    }
    # The broker's, said only where there is one (the tests run tasks in process, with none):
    # tests/api/test_metrics_background.py scrapes them from a real RabbitMQ.
    missing -= {"bankcore_task_broker_up", "bankcore_task_queue_messages", "bankcore_task_queue_consumers"}
    assert missing <= ANNOUNCED


@pytest.mark.skipif(
    PROMTOOL is None, reason="needs promtool (apt-get install prometheus), as .ci/run installs"
)
@pytest.mark.parametrize("command", [["check", "rules", "alerts.yml"], ["test", "rules", "alerts.test.yml"]])
def test_promtool_accepts_the_rules_and_their_tests(command):
    result = subprocess.run([PROMTOOL, *command], cwd=MONITORING, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
