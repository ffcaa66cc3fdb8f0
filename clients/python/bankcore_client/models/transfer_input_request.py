from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.currency_enum import CurrencyEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="TransferInputRequest")


@_attrs_define
class TransferInputRequest:
    """
    Attributes:
        source_account (int):
        destination_account_number (str): 12 digits, the last two ISO 7064 MOD 97-10 check digits of the first ten.
            Example: 123456789092.
        amount (str): A positive decimal string with no more decimals than the currency has. Example: 125.40.
        currency (CurrencyEnum):
        description (str | Unset): At most 3 combining marks on one character (400 too_many_combining_marks). Above
            U+FFFF, which the pattern's dialect cannot name, the same characters are refused: private-use, unassigned and
            ignorable ones (400 invalid_character).
    """

    source_account: int
    destination_account_number: str
    amount: str
    currency: CurrencyEnum
    description: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        source_account = self.source_account

        destination_account_number = self.destination_account_number

        amount = self.amount

        currency = self.currency.value

        description: str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "source_account": source_account,
                "destination_account_number": destination_account_number,
                "amount": amount,
                "currency": currency,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        source_account = d.pop("source_account")

        destination_account_number = d.pop("destination_account_number")

        amount = d.pop("amount")

        currency = CurrencyEnum(d.pop("currency"))

        def _parse_description(data: object) -> str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        transfer_input_request = cls(
            source_account=source_account,
            destination_account_number=destination_account_number,
            amount=amount,
            currency=currency,
            description=description,
        )

        transfer_input_request.additional_properties = d
        return transfer_input_request

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
