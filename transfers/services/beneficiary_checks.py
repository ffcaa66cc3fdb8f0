"""Why a wire's beneficiary holds it for review: a sanctioned jurisdiction, or a BIC that
cannot be verified. The name screening and the amount threshold are the other reasons
(``transfers.services.wires``)."""

from kyc.jurisdictions import jurisdiction_screen
from transfers import bank_identifiers

_FIELD_WORDS = {
    "beneficiary_country": "beneficiary's country",
    "iban_country": "IBAN's country",
    "bic_country": "BIC's country",
    "beneficiary_address": "beneficiary's address",
}


def wire_beneficiary_review_reason(request) -> dict | None:
    """The review reason the wire ``request`` (a ``WireRequest``, its fields validated by the
    API) earns by its beneficiary, or None.

    - ``sanctioned_jurisdiction``: the beneficiary's country, the IBAN's or the BIC's is a
      comprehensively sanctioned one, or the address names a sanctioned region;
    - ``unverified_bic``: the registry knows neither the IBAN's bank nor the BIC, although it
      lists the banks of the BIC's country (a BIC of an IBAN's known bank is checked by the
      API: another bank's is a 400, ``bic_mismatch``).
    """
    countries = {"beneficiary_country": request.beneficiary_country}
    if not request.beneficiary_routing_number:
        countries["iban_country"] = request.beneficiary_account[:2]
    if request.beneficiary_bic:
        countries["bic_country"] = request.beneficiary_bic[4:6]
    hits = jurisdiction_screen(
        countries=countries, addresses={"beneficiary_address": request.beneficiary_address}
    )
    if hits:
        hit = hits[0]
        return {
            "rule": "sanctioned_jurisdiction",
            "jurisdiction": hit.jurisdiction,
            "field": hit.field,
            "detail": f"The {_FIELD_WORDS[hit.field]} is of {hit.name}, a comprehensively sanctioned "
            "jurisdiction; compliance staff will review the wire.",
        }
    if request.beneficiary_bic and bank_identifiers.bic_registered(request.beneficiary_bic) is False:
        return {
            "rule": "unverified_bic",
            "bic": request.beneficiary_bic,
            "detail": "The BIC is not in the bank directory and the IBAN's bank is not either; "
            "compliance staff will verify the bank before the wire is sent.",
        }
    return None
