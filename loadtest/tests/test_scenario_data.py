"""The load scenario's wire beneficiaries are ones the API accepts: a beneficiary it refuses
turns every wire of the run that draws it into a failed request (make test runs this in the
app's virtualenv; the locust-free selftest leaves it out, as it does test_bench.py)."""

import ast
from pathlib import Path

import pytest

from transfers.api.wires import WireInputSerializer

LOCUSTFILE = Path(__file__).resolve().parents[1] / "locustfile.py"


def beneficiaries() -> tuple:
    """BENEFICIARIES as the locustfile writes it, read without importing locust."""
    tree = ast.parse(LOCUSTFILE.read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "BENEFICIARIES" for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise AssertionError("loadtest/locustfile.py has no BENEFICIARIES")


@pytest.mark.parametrize(("name", "iban", "bic", "country"), beneficiaries())
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
