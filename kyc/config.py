"""KYC's run-time settings (sanctions screening's), registered with the kernel's registry
from ``KycConfig.ready()``; staff change them in the back office (``bankcore.config``)."""

import pycountry

from bankcore.config import register_defaults, register_formats

SANCTIONED_JURISDICTIONS = "screening.sanctioned_jurisdictions"

DEFAULTS = {
    # OFAC's comprehensive country programs. Crimea (with Sevastopol), Donetsk and Luhansk have
    # no country code of their own: their ISO 3166-2 subdivision codes name them.
    SANCTIONED_JURISDICTIONS: (
        ["CU", "IR", "KP", "SY", "UA-43", "UA-40", "UA-14", "UA-09"],
        "Sanctioned jurisdictions: ISO 3166-1 country codes (IR) and ISO 3166-2 region codes "
        "(UA-43). A wire whose beneficiary, IBAN or BIC country is one, or whose address names a "
        "listed region, is held for review; a KYC profile's hit is shown to its reviewer.",
    ),
}


def _is_jurisdiction(code) -> bool:
    if not isinstance(code, str) or not code.isascii() or code != code.upper():
        return False
    if len(code) == 2:
        return pycountry.countries.get(alpha_2=code) is not None
    return pycountry.subdivisions.get(code=code) is not None


def _is_jurisdiction_list(value: list) -> bool:
    return all(_is_jurisdiction(code) for code in value)


def config_register() -> None:
    register_defaults(DEFAULTS)
    register_formats(
        {
            SANCTIONED_JURISDICTIONS: (
                _is_jurisdiction_list,
                "a list of upper-case ISO 3166-1 alpha-2 country codes (IR) and ISO 3166-2 "
                "subdivision codes (UA-43)",
            )
        }
    )
