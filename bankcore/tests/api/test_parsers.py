"""The API's JSON parser: input nested too deep is a 400 parse_error, never a RecursionError."""

import json

import pytest

from audit.models import AuditEvent
from bankcore.api.parsers import MAX_JSON_DEPTH

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("depth", [100_000, 33])
def test_json_nested_too_deep_is_a_400_parse_error_that_changes_nothing(api_client, customer, depth):
    body = "[" * depth + "]" * depth
    response = api_client.post("/api/auth/login", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert not AuditEvent.objects.exists()


def test_json_nested_within_the_limit_is_parsed(api_client, customer):
    nested = {"email": customer.email, "password": [[[["x"]]]]}
    response = api_client.post("/api/auth/login", json.dumps(nested), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "validation_error"


@pytest.mark.parametrize(
    ("depth", "code"), [(MAX_JSON_DEPTH, "validation_error"), (MAX_JSON_DEPTH + 1, "parse_error")]
)
def test_json_nested_exactly_to_the_limit_is_parsed_and_one_level_more_is_not(
    api_client, customer, depth, code
):
    assert MAX_JSON_DEPTH == 32
    # The object is the first level; the lists inside the password the others.
    password = "x"
    for _ in range(depth - 1):
        password = [password]
    nested = {"email": customer.email, "password": password}
    response = api_client.post("/api/auth/login", json.dumps(nested), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == code


def test_deep_json_to_an_authenticated_endpoint_is_a_400_parse_error(customer_client):
    body = '{"kind": ' + "[" * 50_000 + "]" * 50_000 + "}"
    response = customer_client.post("/api/accounts", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
