"""bankcore's JSON renderer writes what DRF's standard JSONRenderer writes."""

import dataclasses
import datetime
import decimal
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer as StandardJSONRenderer
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList
from rest_framework.views import APIView

from bankcore.api.renderers import JSONRenderer, json_response


@dataclasses.dataclass
class Point:
    x: int
    y: str


SAMPLES = [
    {"id": 7, "amount": "-0.05", "ok": True, "none": None, "list": [1, 2.5, "x"]},
    {"at": datetime.datetime(2026, 12, 7, 11, 0, 0, 123456, tzinfo=datetime.UTC)},
    {"at": datetime.datetime(2026, 12, 7, 11, 0, 0, tzinfo=ZoneInfo("Europe/Paris"))},
    {"day": datetime.date(2026, 12, 7), "time": datetime.time(11, 0, 5, 7)},
    {"decimal": decimal.Decimal("12.50"), "uuid": uuid.UUID(int=5), "lazy": gettext_lazy("Not found.")},
    {"detail": ErrorDetail("Send a whole number.", code="invalid")},
    ReturnDict({"results": ReturnList([{"a": 1}], serializer=None)}, serializer=None),
    {"text": 'Zoë Ångström — 東京 \x1b tab\t quote" back\\ slash/'},
    {1: "an integer key", "nested": {2: [3]}},
    {"wide": 2**70, "negative": -(2**64)},
    [],
    "a bare string",
]


@pytest.mark.parametrize("data", SAMPLES)
def test_bodies_are_byte_for_byte_what_drf_writes(data):
    assert JSONRenderer().render(data) == StandardJSONRenderer().render(data)


def test_no_body_is_an_empty_response():
    assert JSONRenderer().render(None) == b""


@pytest.mark.parametrize("value", [object(), Point(1, "a")])
def test_a_type_drf_refuses_is_still_refused(value):
    with pytest.raises(TypeError):
        StandardJSONRenderer().render({"x": value})
    with pytest.raises(TypeError):
        JSONRenderer().render({"x": value})


class _Answer(APIView):
    """Answers ``body`` the way ``json_response`` does, or as DRF's Response."""

    authentication_classes: list = []
    permission_classes: list = []
    body = None
    eager = True

    def get(self, request):
        return json_response(request, self.body) if self.eager else Response(self.body)


def _answered(body, *, eager: bool, **headers):
    view = _Answer.as_view(body=body, eager=eager)
    response = view(APIRequestFactory().get("/x", **headers))
    response = response.render() if hasattr(response, "render") else response
    return response


@pytest.mark.parametrize("data", [sample for sample in SAMPLES if isinstance(sample, dict)])
def test_json_response_is_the_response_drf_would_send(data):
    eager, late = _answered(data, eager=True), _answered(data, eager=False)
    assert not isinstance(eager, Response)  # rendered at once, not by the template machinery
    assert eager.content == late.content
    assert eager.status_code == late.status_code == 200
    assert dict(eager.items()) == dict(late.items())


def test_json_response_leaves_any_other_negotiated_form_to_drf():
    body = {"balance": "1.00"}
    response = _answered(body, eager=True, HTTP_ACCEPT="application/json; indent=2")
    assert isinstance(response, Response)
    assert response.content == b'{\n  "balance": "1.00"\n}'
