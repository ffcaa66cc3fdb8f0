from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.currency_enum import CurrencyEnum
from ..models.ledger_entry_output_status_enum import LedgerEntryOutputStatusEnum
from ..models.type_enum import TypeEnum

T = TypeVar("T", bound="LedgerEntryOutput")


@_attrs_define
class LedgerEntryOutput:
    """
    Attributes:
        id (int):
        account_id (int):
        posting_id (int):
        type_ (TypeEnum):
        status (LedgerEntryOutputStatusEnum):
        amount (str): Decimal string in the currency's units. Example: 125.40.
        balance_after (str): Decimal string in the currency's units. Example: 125.40.
        currency (CurrencyEnum):
        description (str):
        created_at (datetime.datetime):
    """

    id: int
    account_id: int
    posting_id: int
    type_: TypeEnum
    status: LedgerEntryOutputStatusEnum
    amount: str
    balance_after: str
    currency: CurrencyEnum
    description: str
    created_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        account_id = self.account_id

        posting_id = self.posting_id

        type_ = self.type_.value

        status = self.status.value

        amount = self.amount

        balance_after = self.balance_after

        currency = self.currency.value

        description = self.description

        created_at = self.created_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "account_id": account_id,
                "posting_id": posting_id,
                "type": type_,
                "status": status,
                "amount": amount,
                "balance_after": balance_after,
                "currency": currency,
                "description": description,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        account_id = d.pop("account_id")

        posting_id = d.pop("posting_id")

        type_ = TypeEnum(d.pop("type"))

        status = LedgerEntryOutputStatusEnum(d.pop("status"))

        amount = d.pop("amount")

        balance_after = d.pop("balance_after")

        currency = CurrencyEnum(d.pop("currency"))

        description = d.pop("description")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        ledger_entry_output = cls(
            id=id,
            account_id=account_id,
            posting_id=posting_id,
            type_=type_,
            status=status,
            amount=amount,
            balance_after=balance_after,
            currency=currency,
            description=description,
            created_at=created_at,
        )

        ledger_entry_output.additional_properties = d
        return ledger_entry_output

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
