"""HAProxy in front of gunicorn (deploy/haproxy/haproxy.cfg): the deployment publishes only the
proxy, its body limit is the upload limit, and through it the client's address is the one
bankcore audits, whatever X-Forwarded-For the client writes. The slow clients themselves are
`make slow-clients` (deploy/slow_clients.py): timing belongs there, not here."""

import http.client
import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.conf import settings

from audit import actions
from audit.models import AuditEvent
from bankcore.env import VARIABLES

ROOT = Path(settings.BASE_DIR)
CONFIG = ROOT / "deploy" / "haproxy" / "haproxy.cfg"
MULTIPART_ALLOWANCE = 64 * 1024
HAPROXY = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
needs_haproxy = pytest.mark.skipif(
    HAPROXY is None, reason="needs HAProxy: apt-get install haproxy (.ci/run installs it)"
)


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_publishes_the_proxy_and_never_gunicorn(compose):
    services = compose["services"]
    assert "ports" not in services["app"], "a slow client must never reach gunicorn"
    proxy = services["proxy"]
    assert proxy["ports"] == ["8000:8000"]
    assert proxy["environment"]["BANKCORE_APP_SERVER"] == "app:8000"
    assert "./deploy/haproxy:/usr/local/etc/haproxy:ro" in proxy["volumes"]
    assert proxy["depends_on"]["app"]["condition"] == "service_healthy"
    assert services["app"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert "--host http://proxy:8000" in " ".join(services["locust"]["command"])
    assert "proxy" in services["app"]["environment"]["ALLOWED_HOSTS"].split(",")


def test_the_proxy_refuses_bodies_over_the_upload_limit(compose):
    (limit,) = re.findall(
        r"deny_status 413 if \{ req\.hdr_val\(content-length\) gt (\d+) \}", CONFIG.read_text()
    )
    upload_limit = int(compose["services"]["app"]["environment"]["KYC_MAX_UPLOAD_BYTES"])
    assert upload_limit == int(VARIABLES["KYC_MAX_UPLOAD_BYTES"].default)
    assert int(limit) == upload_limit + MULTIPART_ALLOWANCE


def test_the_proxy_holds_at_most_as_many_requests_as_gunicorn_has_threads(compose):
    app_env = compose["services"]["app"]["environment"]
    threads = int(app_env["GUNICORN_WORKERS"]) * int(app_env["GUNICORN_THREADS"])
    held = sum(
        int(n)
        for n in re.findall(r'server app1 "\$\{BANKCORE_APP_SERVER\}" maxconn (\d+)', CONFIG.read_text())
    )
    assert held == threads


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@needs_haproxy
def test_the_configuration_is_valid():
    env = {**os.environ, "BANKCORE_PROXY_BIND": ":8000", "BANKCORE_APP_SERVER": "127.0.0.1:8001"}
    result = subprocess.run(
        [HAPROXY, "-c", "-f", str(CONFIG)], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


@pytest.fixture
def proxied(live_server, settings, tmp_path):
    """HAProxy with the deployment's configuration in front of the live server; yields its port
    and the path of its log."""
    settings.ALLOWED_HOSTS = ["localhost"]
    settings.TRUSTED_PROXY_COUNT = 1
    app = urlsplit(live_server.url)
    port = _free_port()
    log = tmp_path / "haproxy.log"
    env = {
        **os.environ,
        "BANKCORE_PROXY_BIND": f"127.0.0.1:{port}",
        "BANKCORE_APP_SERVER": f"127.0.0.1:{app.port}",
    }
    with log.open("w") as output:
        proxy = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(CONFIG)], env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield port, log
    finally:
        proxy.terminate()
        proxy.wait(timeout=10)


def _send(port: int, method: str, path: str, body: bytes = b"", **headers) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers={"Host": "localhost", **headers})
        return connection.getresponse().status
    finally:
        connection.close()


@needs_haproxy
@pytest.mark.django_db(transaction=True)
def test_through_the_proxy_the_audited_address_is_the_clients_own(proxied):
    port, _ = proxied
    status = _send(
        port,
        "POST",
        "/api/auth/login",
        b'{"email": "nobody@example.test", "password": "wrong-Pass-2026"}',
        **{"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.66"},
    )
    assert status == 400
    event = AuditEvent.objects.get(action=actions.LOGIN_FAILED)
    assert event.ip_address == "127.0.0.1", "the address HAProxy saw, not the one the client wrote"


@needs_haproxy
@pytest.mark.django_db(transaction=True)
def test_the_proxy_refuses_an_oversized_body_and_logs_no_query_string(proxied):
    port, log = proxied
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(
            b"POST /api/kyc/documents HTTP/1.1\r\nHost: localhost\r\nContent-Length: 20000000\r\n\r\n"
        )
        assert sock.recv(64).startswith(b"HTTP/1.1 413")
    assert _send(port, "GET", "/health?national_id=ZX48151623") == 200
    for _ in range(100):
        if "/health" in log.read_text():
            break
        time.sleep(0.05)
    text = log.read_text()
    assert '"GET /health HTTP/1.1"' in text
    assert "ZX48151623" not in text
