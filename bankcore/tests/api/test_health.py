from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings

from bankcore.tests.helpers import free_port, redis_caches_at, run_without_database

pytestmark = pytest.mark.django_db
PROJECT_ROOT = Path(settings.BASE_DIR)


def test_redis_down_is_degraded_and_login_still_works(api_client, customer, customer_password):
    with override_settings(CACHES=redis_caches_at(f"redis://127.0.0.1:{free_port()}/0")):
        health = api_client.get("/health")
        login = api_client.post(
            "/api/auth/login", {"email": customer.email, "password": customer_password}, format="json"
        )
        me = api_client.get("/api/auth/me", HTTP_AUTHORIZATION=f"Bearer {login.json()['token']}")
    assert health.status_code == 200
    assert health.json()["status"] == "degraded"
    assert health.json()["checks"]["cache"]["ok"] is False
    assert health.json()["checks"]["database"]["ok"] is True
    assert login.status_code == 200
    assert me.status_code == 200


def test_redis_down_still_throttles_wrong_passwords(api_client, customer):
    with override_settings(CACHES=redis_caches_at(f"redis://127.0.0.1:{free_port()}/0")):
        statuses = [
            api_client.post(
                "/api/auth/login", {"email": customer.email, "password": "wrong-one"}, format="json"
            ).status_code
            for _ in range(6)
        ]
    assert statuses == [400] * 5 + [429]


def test_database_down_is_503():
    """A real process whose DATABASE_URL points at a port where no PostgreSQL listens."""
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/health');"
        "login = Client().post('/api/auth/login', {'email': 'a@b.test', 'password': 'x'},"
        " content_type='application/json');"
        "print(json.dumps({'status': r.status_code, 'body': r.json(),"
        " 'login_status': login.status_code, 'login_body': login.json()}))"
    )
    outcome = run_without_database(script)
    assert outcome["status"] == 503
    assert outcome["body"]["status"] == "unavailable"
    assert outcome["body"]["checks"]["database"]["ok"] is False
    assert outcome["body"]["checks"]["cache"]["ok"] is True
    # The API answers a database outage with a JSON 503, not a 500.
    assert outcome["login_status"] == 503
    assert outcome["login_body"]["code"] == "service_unavailable"


@pytest.fixture
def probe_memory(settings):
    from bankcore.health import health_probe_forget

    settings.HEALTH_PROBE_SECONDS = 1
    health_probe_forget()
    yield
    health_probe_forget()


def test_health_answers_from_its_last_probe_for_a_second(api_client, probe_memory, monkeypatch):
    import bankcore.health

    first = api_client.get("/health")
    assert first.status_code == 200
    assert 'desc="1 queries"' in first["Server-Timing"]
    again = api_client.get("/health")
    assert 'desc="0 queries"' in again["Server-Timing"]
    assert 'cache;dur=0.0;desc="0 calls"' in again["Server-Timing"]
    assert again.json() == first.json()
    # A second later the process probes again, and an outage shows.
    now = bankcore.health.time.monotonic()
    monkeypatch.setattr(bankcore.health.time, "monotonic", lambda: now + 1.01)
    with override_settings(CACHES=redis_caches_at(f"redis://127.0.0.1:{free_port()}/0")):
        later = api_client.get("/health")
    assert 'desc="1 queries"' in later["Server-Timing"]
    assert later.json()["status"] == "degraded"


def test_a_remembered_probe_is_copied_not_shared(probe_memory):
    from bankcore.health import health_report

    _, body = health_report()
    body["checks"]["database"]["ok"] = False
    body["detail"] = {"secret": True}
    _, again = health_report()
    assert again["checks"]["database"]["ok"] is True
    assert "detail" not in again
