from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.currency_enum import CurrencyEnum
from ..models.transfer_output_status_enum import TransferOutputStatusEnum

T = TypeVar("T", bound="TransferOutput")


@_attrs_define
class TransferOutput:
    """
    Attributes:
        id (int):
        source_account (int):
        destination_account_number (str):
        amount (str): Decimal string in the currency's units. Example: 125.40.
        currency (CurrencyEnum):
        description (str):
        status (TransferOutputStatusEnum):
        posting_id (int):
        created_at (datetime.datetime):
    """

    id: int
    source_account: int
    destination_account_number: str
    amount: str
    currency: CurrencyEnum
    description: str
    status: TransferOutputStatusEnum
    posting_id: int
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        source_account = self.source_account

        destination_account_number = self.destination_account_number

        amount = self.amount

        currency = self.currency.value

        description = self.description

        status = self.status.value

        posting_id = self.posting_id

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "source_account": source_account,
                "destination_account_number": destination_account_number,
                "amount": amount,
                "currency": currency,
                "description": description,
                "status": status,
                "posting_id": posting_id,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        source_account = d.pop("source_account")

        destination_account_number = d.pop("destination_account_number")

        amount = d.pop("amount")

        currency = CurrencyEnum(d.pop("currency"))

        description = d.pop("description")

        status = TransferOutputStatusEnum(d.pop("status"))

        posting_id = d.pop("posting_id")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        transfer_output = cls(
            id=id,
            source_account=source_account,
            destination_account_number=destination_account_number,
            amount=amount,
            currency=currency,
            description=description,
            status=status,
            posting_id=posting_id,
            created_at=created_at,
        )

        transfer_output.additional_properties = d
        return transfer_output

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
