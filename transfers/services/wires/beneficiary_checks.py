"""Why a wire's beneficiary holds it for review: a sanctioned jurisdiction, or a BIC that
cannot be verified. The name screening and the amount threshold are the other reasons
(``transfers.services.wires.create``)."""

from typing import TYPE_CHECKING

from kyc.screening.jurisdictions import jurisdiction_screen
from transfers import bank_identifiers

if TYPE_CHECKING:  # create imports this module to form its review reasons
    from transfers.services.wires.create import WireRequest

# How the detail names what matched: a country field is the jurisdiction, an address names it.
_MATCHED = {
    "beneficiary_country": "The beneficiary's country ({name})",
    "iban_country": "The IBAN's country ({name})",
    "bic_country": "The BIC's country ({name})",
    "beneficiary_address": "The beneficiary's address, naming {name},",
}


def wire_beneficiary_review_reason(request: "WireRequest") -> dict | None:
    """The review reason the wire ``request`` (its fields validated by the API) earns by its
    beneficiary, or None.

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
            "detail": _MATCHED[hit.field].format(name=hit.name)
            + " is in a comprehensively sanctioned jurisdiction; compliance staff will review the wire.",
        }
    if request.beneficiary_bic and bank_identifiers.bic_registered(request.beneficiary_bic) is False:
        return {
            "rule": "unverified_bic",
            "bic": request.beneficiary_bic,
            "detail": "The BIC is not in the bank directory and the IBAN's bank is not either; "
            "compliance staff will verify the bank before the wire is sent.",
        }
    return None
