"""What /health costs in SQL."""

import pytest

pytestmark = pytest.mark.django_db


def test_health_reports_database_and_cache(api_client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = api_client.get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    for check in ("database", "cache"):
        assert body["checks"][check]["ok"] is True
        assert body["checks"][check]["latency_ms"] >= 0
