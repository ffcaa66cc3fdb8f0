"""The load scenario's wire beneficiaries are ones the API accepts: a beneficiary it refuses
turns every wire of the run that draws it into a failed request (make test runs this in the
app's virtualenv; the locust-free selftest leaves it out, as it does test_bench.py)."""

import pytest

from loadtest.scenario import BENEFICIARIES
from transfers.api.wires import WireInputSerializer


@pytest.mark.parametrize(("name", "iban", "bic", "country"), BENEFICIARIES)
def test_every_beneficiary_of_the_scenario_passes_the_apis_checks(name, iban, bic, country):
    body = {
        "source_account": "1",
        "amount": "25.00",
        "currency": "USD",
        "beneficiary_name": name,
        "beneficiary_account": iban,
        "beneficiary_bic": bic,
        "beneficiary_country": country,
    }
    serializer = WireInputSerializer(data=body)
    assert serializer.is_valid(), serializer.errors
