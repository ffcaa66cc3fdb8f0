from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.charge_bearer_enum import ChargeBearerEnum
from ..models.country_enum import CountryEnum
from ..models.currency_enum import CurrencyEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="WireInputRequest")


@_attrs_define
class WireInputRequest:
    """
    Attributes:
        source_account (int):
        amount (str): A positive decimal string with no more decimals than the currency has. Example: 125.40.
        currency (CurrencyEnum):
        beneficiary_name (str): At most 3 combining marks on one character (400 too_many_combining_marks). Above U+FFFF,
            which the pattern's dialect cannot name, the same characters are refused: private-use, unassigned and ignorable
            ones (400 invalid_character).
        beneficiary_account (str): An IBAN (its country's format and check digits; its country is beneficiary_country),
            or with beneficiary_routing_number a US account number of 4 to 17 ASCII digits 0-9 (invalid_account_number).
            Spaces are ignored, letters may be lower case. Example: DE89370400440532013000.
        beneficiary_country (CountryEnum):
        beneficiary_bic (None | str | Unset): A BIC of 8 or 11 characters. Where the bank directory knows the IBAN's
            bank, the BIC must be that bank's (its first 8 characters; any branch code): otherwise 400 bic_mismatch. Where
            it does not, the BIC's country (characters 5-6) must be the IBAN's (country_mismatch), and a BIC the directory
            does not know either holds the wire for review (unverified_bic). With a routing number the BIC must be a US one.
            Example: COBADEFFXXX.
        beneficiary_address (str | Unset): At most 3 combining marks on one character (400 too_many_combining_marks).
            Above U+FFFF, which the pattern's dialect cannot name, the same characters are refused: private-use, unassigned
            and ignorable ones (400 invalid_character).
        beneficiary_routing_number (None | str | Unset): A US ABA routing number (9 ASCII digits, the first two a
            Federal Reserve prefix 00-12, 21-32, 61-72 or 80, not all zeros, the last a check digit, e.g. 011000015;
            invalid_routing_number): then beneficiary_account is a US account number. Leave it out or null for an IBAN.
        reference (str | Unset): At most 3 combining marks on one character (400 too_many_combining_marks). Above
            U+FFFF, which the pattern's dialect cannot name, the same characters are refused: private-use, unassigned and
            ignorable ones (400 invalid_character).
        charge_bearer (ChargeBearerEnum | Unset):  Default: ChargeBearerEnum.SHAR.
    """

    source_account: int
    amount: str
    currency: CurrencyEnum
    beneficiary_name: str
    beneficiary_account: str
    beneficiary_country: CountryEnum
    beneficiary_bic: None | str | Unset = UNSET
    beneficiary_address: str | Unset = UNSET
    beneficiary_routing_number: None | str | Unset = UNSET
    reference: str | Unset = UNSET
    charge_bearer: ChargeBearerEnum | Unset = ChargeBearerEnum.SHAR
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source_account = self.source_account

        amount = self.amount

        currency = self.currency.value

        beneficiary_name = self.beneficiary_name

        beneficiary_account = self.beneficiary_account

        beneficiary_country = self.beneficiary_country.value

        beneficiary_bic: None | str | Unset
        if isinstance(self.beneficiary_bic, Unset):
            beneficiary_bic = UNSET
        else:
            beneficiary_bic = self.beneficiary_bic

        beneficiary_address: str | Unset
        if isinstance(self.beneficiary_address, Unset):
            beneficiary_address = UNSET
        else:
            beneficiary_address = self.beneficiary_address

        beneficiary_routing_number: None | str | Unset
        if isinstance(self.beneficiary_routing_number, Unset):
            beneficiary_routing_number = UNSET
        else:
            beneficiary_routing_number = self.beneficiary_routing_number

        reference: str | Unset
        if isinstance(self.reference, Unset):
            reference = UNSET
        else:
            reference = self.reference

        charge_bearer: str | Unset = UNSET
        if not isinstance(self.charge_bearer, Unset):
            charge_bearer = self.charge_bearer.value

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "source_account": source_account,
                "amount": amount,
                "currency": currency,
                "beneficiary_name": beneficiary_name,
                "beneficiary_account": beneficiary_account,
                "beneficiary_country": beneficiary_country,
            }
        )
        if beneficiary_bic is not UNSET:
            field_dict["beneficiary_bic"] = beneficiary_bic
        if beneficiary_address is not UNSET:
            field_dict["beneficiary_address"] = beneficiary_address
        if beneficiary_routing_number is not UNSET:
            field_dict["beneficiary_routing_number"] = beneficiary_routing_number
        if reference is not UNSET:
            field_dict["reference"] = reference
        if charge_bearer is not UNSET:
            field_dict["charge_bearer"] = charge_bearer

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        source_account = d.pop("source_account")

        amount = d.pop("amount")

        currency = CurrencyEnum(d.pop("currency"))

        beneficiary_name = d.pop("beneficiary_name")

        beneficiary_account = d.pop("beneficiary_account")

        beneficiary_country = CountryEnum(d.pop("beneficiary_country"))

        def _parse_beneficiary_bic(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        beneficiary_bic = _parse_beneficiary_bic(d.pop("beneficiary_bic", UNSET))

        def _parse_beneficiary_address(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        beneficiary_address = _parse_beneficiary_address(d.pop("beneficiary_address", UNSET))

        def _parse_beneficiary_routing_number(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        beneficiary_routing_number = _parse_beneficiary_routing_number(d.pop("beneficiary_routing_number", UNSET))

        def _parse_reference(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        reference = _parse_reference(d.pop("reference", UNSET))

        _charge_bearer = d.pop("charge_bearer", UNSET)
        charge_bearer: ChargeBearerEnum | Unset
        if isinstance(_charge_bearer, Unset):
            charge_bearer = UNSET
        else:
            charge_bearer = ChargeBearerEnum(_charge_bearer)

        wire_input_request = cls(
            source_account=source_account,
            amount=amount,
            currency=currency,
            beneficiary_name=beneficiary_name,
            beneficiary_account=beneficiary_account,
            beneficiary_country=beneficiary_country,
            beneficiary_bic=beneficiary_bic,
            beneficiary_address=beneficiary_address,
            beneficiary_routing_number=beneficiary_routing_number,
            reference=reference,
            charge_bearer=charge_bearer,
        )

        wire_input_request.additional_properties = d
        return wire_input_request

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
