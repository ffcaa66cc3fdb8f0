"""LOG_FORMAT=json: one JSON object per line, with the request id and the user, never a secret."""

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from django.conf import settings

from bankcore.observability import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    """What bankcore's loggers write through the JSON formatter during the test, parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("bankcore")
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


def test_a_request_logs_its_request_id_and_user_and_no_parameters(
    json_lines, settings, funded_account, bearer_client
):
    account = funded_account(balance=10_00)
    client = bearer_client(account.customer)
    settings.SLOW_QUERY_MS = 0  # every query is "slow": each one logs a line
    response = client.get(f"/api/accounts/{account.pk}/balance")
    assert response.status_code == 200
    lines = [line for line in json_lines() if line["logger"] == "bankcore.db.slow"]
    assert lines, "the request's queries were logged"
    for line in lines:
        assert line["level"] == "WARNING"
        assert line["request_id"] == response["X-Request-ID"]
        assert line["sql"].startswith(("SELECT", "INSERT", "UPDATE", "SAVEPOINT", "RELEASE"))
        assert line["duration_ms"] >= 0
        assert line["time"].endswith("+00:00")
    authenticated = [line for line in lines if line["user_id"] is not None]
    assert authenticated, "once the token is checked, the lines name the user"
    assert {line["user_id"] for line in authenticated} == {account.customer.pk}
    text = json.dumps(lines)
    assert client.token not in text
    assert account.customer.email not in text


def test_extras_named_like_secrets_are_filtered_and_exceptions_kept(json_lines):
    logger = logging.getLogger("bankcore.tests")
    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception(
            "outside any request",
            extra={"password": "hunter2", "token_key": "abcd", "email": "a@example.test", "attempts": 3},
        )
    (line,) = json_lines()
    assert line["message"] == "outside any request"
    assert line["request_id"] == "-"
    assert line["user_id"] is None
    assert line["attempts"] == 3
    assert line["password"] == line["token_key"] == line["email"] == "[Filtered]"
    assert "ValueError: boom" in line["exception"]
    assert "hunter2" not in json.dumps(line)


def test_a_refused_request_is_logged_by_its_path_without_the_query(client, staff_user, caplog):
    """Django logs a 4xx with the request as an extra: its text is the full path, query and all."""
    client.force_login(staff_user)  # staff, but without the KYC permissions
    response = client.get("/admin/kyc/kycprofile/", {"q": "ZX-4815-1623"})
    assert response.status_code == 403
    (record,) = [record for record in caplog.records if record.name == "django.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["request"] == "GET /admin/kyc/kycprofile/"
    assert line["status_code"] == 403
    assert "4815" not in json.dumps(line)


def test_log_format_json_switches_every_line_to_json():
    env = {
        **{name: value for name, value in os.environ.items() if name not in ("DATABASE_URL", "REDIS_URL")},
        "DJANGO_SETTINGS_MODULE": "bankcore.settings",
        "DEBUG": "true",
        "LOG_FORMAT": "json",
    }
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('bankcore.probe').warning('hello %s', 'json')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    (line,) = [json.loads(text) for text in result.stderr.splitlines() if text.strip()]
    assert line["message"] == "hello json"
    assert line["logger"] == "bankcore.probe"


def test_an_unknown_log_format_stops_the_settings():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bankcore.settings", "DEBUG": "true", "LOG_FORMAT": "xml"}
    result = subprocess.run(
        [sys.executable, "-c", "import bankcore.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "LOG_FORMAT must be plain or json" in result.stderr
