"""The transfer body's plain reading (``TransferInputSerializer.plain_validated``) against
the serializer it stands in for: whatever body it reads, the serializer reads the same."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.numbers import account_number_generate
from bankcore.digits import LARGEST_ID
from bankcore.money import CURRENCIES
from transfers.api.serializers import TransferInputSerializer

KEYS = ["source_account", "destination_account_number", "amount", "currency", "description"]

account_ids = st.one_of(
    st.integers(min_value=-2, max_value=2**64),
    st.sampled_from([1, LARGEST_ID, LARGEST_ID + 1, 0, True, False, 8.0, "8", "٨", None]),
)
account_numbers = st.one_of(
    st.builds(account_number_generate),
    st.text(alphabet="0123456789\u0668\uff18 \n", min_size=10, max_size=14),
    st.sampled_from(["123456789092", "123456789092\n", " 123456789092", 123456789092, None]),
)
amounts = st.one_of(
    st.from_regex(r"\A[0-9]{1,14}(\.[0-9]{0,4})?\Z"),
    st.sampled_from(["0", "0.00", "-1", "+1", "1e3", " 1", "1 ", "\u0661", "1.000", 1, 1.5, None, ""]),
    st.text(max_size=6),
)
currencies = st.one_of(st.sampled_from([*CURRENCIES, "usd", "XXX", "", " USD", None, 840]))
descriptions = st.one_of(
    st.text(max_size=150),
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=145),
    st.sampled_from(["", " ", " rent", "rent ", "a" * 140, "a" * 141, "é", "e\u0301", None, 5]),
)


# Mostly plain values, so that most bodies are read plainly and each odd value is met alone.
plain = {
    "source_account": st.integers(min_value=1, max_value=LARGEST_ID),
    "destination_account_number": st.builds(account_number_generate),
    "amount": st.from_regex(r"\A[0-9]{1,9}(\.[0-9]{0,3})?\Z"),
    "currency": st.sampled_from(list(CURRENCIES)),
    "description": st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=141),
}
odd = dict(zip(KEYS, [account_ids, account_numbers, amounts, currencies, descriptions], strict=True))


@st.composite
def bodies(draw):
    body = {}
    for key in KEYS:
        if draw(st.integers(0, 19)):  # each key present 19 times in 20
            body[key] = draw(odd[key] if draw(st.integers(0, 5)) == 0 else plain[key])
    if draw(st.integers(0, 9)) == 0:
        body[draw(st.sampled_from(["extra", "Amount", "posting_id"]))] = draw(st.integers())
    return body


def _serializer_reading(body):
    serializer = TransferInputSerializer(data=body)
    return dict(serializer.validated_data) if serializer.is_valid() else None


@settings(max_examples=1500, deadline=None)
@given(bodies())
def test_whatever_the_plain_reading_reads_the_serializer_reads_the_same(body):
    read = TransferInputSerializer.plain_validated(body)
    if read is not None:
        assert _serializer_reading(body) == read


@pytest.mark.parametrize(
    "description", ["", "rent", "Invoice #42 / March (50%)", "a" * 140, "~!@#$%^&*()_+{}|:<>?`-=[];',./"]
)
@pytest.mark.parametrize(("currency", "amount"), [("USD", "10.05"), ("JPY", "1005"), ("KWD", "0.001")])
def test_a_plainly_valid_body_is_read_without_the_serializer(description, currency, amount):
    body = {
        "source_account": 42,
        "destination_account_number": account_number_generate(),
        "amount": amount,
        "currency": currency,
        "description": description,
    }
    plain = TransferInputSerializer.plain_validated(body)
    assert plain is not None
    assert plain == _serializer_reading(body)
    del body["description"]
    assert TransferInputSerializer.plain_validated(body) == {**plain, "description": ""}


@pytest.mark.parametrize(
    "change",
    [
        {"source_account": "42"},
        {"source_account": True},
        {"destination_account_number": "123456789093"},  # a check digit off
        {"amount": "10.001"},
        {"amount": 10},
        {"currency": "usd"},
        {"description": " rent"},
        {"description": "caf\u00e9"},
        {"description": "a" * 141},
        {"extra": 1},
    ],
)
def test_anything_else_is_left_to_the_serializer(change):
    body = {
        "source_account": 42,
        "destination_account_number": account_number_generate(),
        "amount": "10.00",
        "currency": "USD",
        **change,
    }
    assert TransferInputSerializer.plain_validated(body) is None
