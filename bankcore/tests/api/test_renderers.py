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
from rest_framework.utils.serializer_helpers import ReturnDict, ReturnList

from bankcore.api.renderers import JSONRenderer


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
