"""docs/alerts.yml: valid for promtool, its own unit tests pass, and every metric it watches
is one /metrics exports (or one announced to land with the audit hash chain)."""

import re
import shutil
import subprocess

import pytest
import yaml
from django.conf import settings

from bankcore.tests.test_metrics import scrape

PROMTOOL = shutil.which("promtool")
DOCS = settings.BASE_DIR / "docs"
# Exported once the audit hash chain's sealer exists (see transfers/metrics.py).
ANNOUNCED = {"bankcore_audit_unsealed_rows"}


def rule_expressions() -> list[str]:
    document = yaml.safe_load((DOCS / "alerts.yml").read_text())
    return [rule["expr"] for group in document["groups"] for rule in group["rules"]]


@pytest.mark.django_db
def test_every_metric_the_rules_watch_is_exported(client):
    watched = set()
    for expression in rule_expressions():
        watched |= set(re.findall(r"\bbankcore_[a-z_]+", expression))
    assert watched, "the pattern must find the metrics"
    client.get("/health")  # one request, so the per-route families have samples
    exported = {name for name, _labels in scrape(client)}
    suffixes = ("", "_total", "_bucket", "_count", "_sum")
    missing = {name for name in watched if not any(name + suffix in exported for suffix in suffixes)}
    # Families read from rows that the test database may not have yet.
    missing -= {"bankcore_ledger_verification_ok", "bankcore_ledger_verification_timestamp_seconds"}
    assert missing == ANNOUNCED


@pytest.mark.skipif(
    PROMTOOL is None, reason="needs promtool (apt-get install prometheus), as .ci/run installs"
)
@pytest.mark.parametrize("command", [["check", "rules", "alerts.yml"], ["test", "rules", "alerts.test.yml"]])
def test_promtool_accepts_the_rules_and_their_tests(command):
    result = subprocess.run([PROMTOOL, *command], cwd=DOCS, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
