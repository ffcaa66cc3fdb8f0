import re

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings_and_validates(tmp_path):
    from django.core.management import call_command

    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    schema = yaml.safe_load(target.read_text())
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def _schema():
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_documents_the_errors_its_view_can_answer():
    schema = _schema()
    public = {("/api/auth/register", "post"), ("/api/auth/login", "post")}
    for path, method, operation in _operations(schema):
        statuses = set(operation["responses"])
        name = f"{method.upper()} {path}"
        assert "503" in statuses, name
        assert ("401" in statuses) is ((path, method) not in public), name
        if "{" in path:
            assert "404" in statuses, name
        has_input = "requestBody" in operation or any(
            parameter["in"] in {"query", "header"} for parameter in operation.get("parameters", [])
        )
        if has_input:
            assert "400" in statuses, name
        if "requestBody" in operation:
            assert "415" in statuses, name
        if any(parameter["in"] == "query" for parameter in operation.get("parameters", [])):
            assert "414" in statuses, name
        for status_code, response in operation["responses"].items():
            # 414 comes from gunicorn, before bankcore, as a plain page.
            if status_code.startswith(("4", "5")) and status_code != "414":
                content = response["content"]["application/json"]["schema"]
                assert content == {"$ref": "#/components/schemas/Error"}, (name, status_code)


def test_declared_and_derived_error_statuses_match_what_each_view_answers():
    paths = _schema()["paths"]

    def statuses(path, method):
        return set(paths[path][method]["responses"])

    assert {"404", "409", "422", "429"} <= statuses("/api/transfers", "post")
    assert "422" in statuses("/api/accounts", "post")
    assert {"409", "429"} <= statuses("/api/auth/register", "post")
    assert "429" in statuses("/api/auth/login", "post")
    assert "403" in statuses("/api/ops/cache-stats", "get")
    assert "403" not in statuses("/api/accounts", "get")
    history_parameters = paths["/api/transactions"]["get"]["parameters"]
    account_filter = next(parameter for parameter in history_parameters if parameter["name"] == "account")
    assert account_filter["schema"]["minimum"] == 1
    retry_after = paths["/api/auth/login"]["post"]["responses"]["429"]["headers"]["Retry-After"]
    assert retry_after["schema"]["type"] == "integer"
    replayed = paths["/api/transfers"]["post"]["responses"]["201"]["headers"]
    assert "Idempotent-Replayed" in replayed


def test_error_component_has_code_detail_and_field_errors():
    components = _schema()["components"]["schemas"]
    error = components["Error"]
    assert set(error["required"]) == {"code", "detail"}
    assert {"code", "detail", "fields", "retry_after"} <= set(error["properties"])
    field_errors = error["properties"]["fields"]["additionalProperties"]
    assert field_errors == {"type": "array", "items": {"$ref": "#/components/schemas/FieldError"}}
    assert set(components["FieldError"]["properties"]) == {"code", "detail"}


def test_idempotency_key_schema_admits_exactly_the_keys_the_api_accepts():
    import re

    from transfers.idempotency import idempotency_key_from

    parameters = _schema()["paths"]["/api/transfers"]["post"]["parameters"]
    key = next(parameter for parameter in parameters if parameter["name"] == "Idempotency-Key")["schema"]
    pattern = re.compile(key["pattern"])
    for candidate in ["a", "order-42 retry", "~" * 255]:
        assert pattern.fullmatch(candidate)
        assert len(candidate) <= key["maxLength"]
        assert idempotency_key_from({"Idempotency-Key": candidate}) == candidate
    for candidate in ["", " a", "a ", "ключ", "a\tb"]:
        assert not pattern.fullmatch(candidate), candidate


def test_transfer_amounts_are_documented_per_currency():
    import re

    from bankcore.money import CURRENCIES, InvalidAmount, parse_amount

    request = _schema()["components"]["schemas"]["TransferInputRequest"]
    branches = {
        branch["properties"]["currency"]["pattern"].strip("^$"): re.compile(
            branch["properties"]["amount"]["pattern"]
        )
        for branch in request["allOf"][0]["oneOf"]
    }
    assert set(branches) == set(CURRENCIES)
    samples = ["1", "0", "0.00", "0.5", "007.50", "1.234", "1.2345", "99999999999999.99", "1" * 16, "1" * 18]
    for currency, pattern in branches.items():
        for text in samples:
            try:
                parse_amount(text, currency)
                accepted = True
            except InvalidAmount:
                accepted = False
            assert bool(pattern.match(text)) is accepted, (currency, text)


@pytest.mark.parametrize("path", ["/api/transactions", "/api/transfers", "/api/accounts"])
def test_query_parameters_document_that_an_empty_value_is_no_value(customer_client, path):
    parameters = [p for p in _schema()["paths"][path]["get"]["parameters"] if p["in"] == "query"]
    assert parameters
    assert all(parameter.get("allowEmptyValue") is True for parameter in parameters)
    query = "&".join(f"{parameter['name']}=" for parameter in parameters)
    assert customer_client.get(f"{path}?{query}").status_code == 200


def test_free_text_inputs_document_the_characters_they_refuse(customer_client):
    request = _schema()["components"]["schemas"]["TransferInputRequest"]
    text, blank = request["properties"]["description"]["oneOf"]
    assert blank == {"type": "string", "maxLength": 0}
    pattern = re.compile(text["pattern"])
    for refused in ["a\x00b", "a\x1bb", "a\u202eb", "a\u2028b", "a\u00adb", "a\ufeffb"]:
        assert not pattern.match(refused), repr(refused)
    for accepted in ["Rent, November", "Miete für Oktober", "家賃 😀", "a b"]:
        assert pattern.match(accepted), accepted
    for invisible in ["a\u034fb", "a\ufe0fb", "a\u3164b", "a\u2800b", "a\ue000b", "a\uffffb", "a\u0378b"]:
        assert not pattern.match(invisible), repr(invisible)
    assert "too_many_combining_marks" in request["properties"]["description"]["description"]
    response = customer_client.post(
        "/api/transfers",
        {
            "source_account": 1,
            "destination_account_number": "123456789092",
            "amount": "1.00",
            "currency": "USD",
            "description": "a\x00b",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="nul-description",
    )
    assert response.status_code == 400
    assert response.json()["fields"]["description"][0]["code"] == "invalid_character"


def test_no_operation_is_described_by_a_base_class_or_mixin_of_its_view():
    """Base classes and mixins (the Idempotency-Key mixin, the customer-scoped viewset, the
    cached-list mixin) document bankcore's code to its developers; an operation's
    description is its action's docstring or its viewset's own."""
    import inspect

    from django.urls import get_resolver

    def views(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                yield from views(pattern.url_patterns)
            elif getattr(pattern.callback, "cls", None) is not None:
                yield pattern.callback.cls

    inherited = {
        inspect.cleandoc(base.__doc__).split("\n")[0]
        for view in views(get_resolver().url_patterns)
        for base in view.__mro__[1:]
        if base.__module__.split(".")[0] in {"bankcore", "accounts", "transfers", "kyc", "audit"}
        and base.__doc__
    }
    assert any("Idempotency-Key" in line for line in inherited)  # what is looked for is there
    for path, method, operation in _operations(_schema()):
        description = operation.get("description", "")
        for line in inherited:
            assert line not in description, f"{method.upper()} {path}: {line}"
