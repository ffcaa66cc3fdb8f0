"""Content negotiation: JSON for a plain Accept header, DRF's full rules for anything else."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("accept", [None, "*/*", "application/json"])
def test_a_plain_accept_header_gets_json(customer_client, accept):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    response = customer_client.get("/api/auth/me", **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["email"]


def test_a_client_that_accepts_no_json_gets_a_406(customer_client):
    response = customer_client.get("/api/auth/me", HTTP_ACCEPT="text/html")
    assert response.status_code == 406
    assert response.json()["code"] == "not_acceptable"


def test_accept_parameters_still_reach_the_renderer(customer_client):
    # DRF's JSON renderer honours an indent asked for in the Accept header.
    response = customer_client.get("/api/auth/me", HTTP_ACCEPT="application/json; indent=2")
    assert response.status_code == 200
    assert response.content.startswith(b'{\n  "')


def test_the_schema_is_still_negotiated(customer_client):
    response = customer_client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"  # drf-spectacular's JSON renderer, chosen by DRF
    assert response.json()["openapi"].startswith("3.")
    assert customer_client.get("/api/schema/")["Content-Type"] == "application/vnd.oai.openapi; charset=utf-8"
