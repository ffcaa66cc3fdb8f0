import pytest
from rest_framework.exceptions import ErrorDetail

from bankcore.api.exceptions import flatten_field_errors

pytestmark = pytest.mark.django_db


def test_malformed_json_is_400_parse_error(api_client):
    response = api_client.post(
        "/api/auth/login", data='{"email": "a@b.c", "password": ', content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert body["detail"]


def test_wrong_type_is_400_naming_the_field(api_client):
    response = api_client.post(
        "/api/auth/register",
        {"email": "x@example.test", "password": {"nested": True}, "full_name": "X"},
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "validation_error"
    assert body["fields"]["password"] == [{"code": "invalid", "detail": "Not a valid string."}]


def test_missing_fields_are_each_named(api_client):
    response = api_client.post("/api/auth/register", {}, format="json")
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert fields["email"][0]["code"] == "required"
    assert fields["password"][0]["code"] == "required"


def test_json_array_body_is_a_400_not_a_500(api_client):
    response = api_client.post("/api/auth/login", [1, 2], format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["non_field_errors"][0]["code"] == "invalid"


def test_unknown_route_is_a_json_404(api_client):
    response = api_client.get("/api/no-such-thing")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "detail": "Not found."}


def test_trailing_slash_is_not_redirected(api_client):
    assert api_client.post("/api/auth/login/", {}, format="json").status_code == 404


def test_wrong_method_is_405_with_code(api_client):
    response = api_client.get("/api/auth/login")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"


def test_unsupported_media_type_is_415(api_client):
    response = api_client.post("/api/auth/login", data="email=a", content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_nested_errors_flatten_to_dotted_paths():
    detail = {
        "legs": [{"amount": [ErrorDetail("Too many decimals.", code="max_decimal_places")]}, {}],
        "non_field_errors": [ErrorDetail("Bad.", code="invalid")],
    }
    assert flatten_field_errors(detail) == {
        "legs.0.amount": [{"code": "max_decimal_places", "detail": "Too many decimals."}],
        "non_field_errors": [{"code": "invalid", "detail": "Bad."}],
    }


@pytest.mark.parametrize(
    ("handler", "status"),
    [("bad_request", 400), ("permission_denied", 403), ("not_found", 404), ("server_error", 500)],
)
def test_errors_are_json_for_the_api_and_pages_for_the_back_office(rf, handler, status):
    from bankcore import views

    view = getattr(views, handler)
    arguments = () if handler == "server_error" else (None,)
    api = view(rf.get("/api/accounts"), *arguments)
    back_office = view(rf.get("/admin/accounts/user/"), *arguments)

    assert (api.status_code, back_office.status_code) == (status, status)
    assert api["Content-Type"] == "application/json"
    assert back_office["Content-Type"].startswith("text/html")
