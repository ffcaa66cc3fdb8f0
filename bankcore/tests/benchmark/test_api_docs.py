"""What the OpenAPI schema and Swagger UI cost in SQL."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_openapi_schema_describes_the_auth_endpoints(api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/auth/register",
        "/api/auth/login",
        "/api/auth/logout",
        "/api/auth/me",
        "/api/auth/password",
        "/api/accounts",
        "/api/accounts/{id}",
        "/api/accounts/{id}/balance",
        "/api/accounts/{id}/transactions",
        "/api/transactions",
        "/api/transactions/{id}",
        "/api/transfers",
        "/api/transfers/{id}",
        "/api/ops/cache-stats",
    ):
        assert path in schema["paths"], path
    transfer_parameters = {
        (parameter["in"], parameter["name"]): parameter["required"]
        for parameter in schema["paths"]["/api/transfers"]["post"]["parameters"]
    }
    assert transfer_parameters[("header", "Idempotency-Key")] is True
    assert "/api/auth/login/" not in schema["paths"]


def test_swagger_ui_is_served_without_a_cdn(api_client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = api_client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn." not in html
    assert "unpkg" not in html
