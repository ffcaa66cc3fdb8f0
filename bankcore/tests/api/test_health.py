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
