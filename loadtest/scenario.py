"""The scenario's wire data, shared by locustfile.py and profile_mix.py (no locust import)."""

import random

# Beneficiaries the API accepts: each BIC is its IBAN's bank (loadtest/tests/test_scenario_data.py).
BENEFICIARIES = (
    ("Ingrid Sommerfeld", "DE89370400440532013000", "COBADEFFXXX", "DE"),
    ("Camille Laurent", "FR1420041010050500013M02606", "PSSTFRPPXXX", "FR"),
    ("Oliver Pemberton", "GB29NWBK60161331926819", "NWBKGB2LXXX", "GB"),
)


def wire_body(account: dict, whole: int) -> dict:
    """A wire of ``whole`` units and random cents from ``account`` to a random beneficiary."""
    name, iban, bic, country = random.choice(BENEFICIARIES)
    return {
        "source_account": account["id"],
        "amount": f"{whole}.{random.randint(0, 99):02d}",
        "currency": account["currency"],
        "beneficiary_name": name,
        "beneficiary_account": iban,
        "beneficiary_bic": bic,
        "beneficiary_country": country,
        "reference": "load test",
        "charge_bearer": "SHAR",
    }
