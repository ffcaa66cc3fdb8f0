from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.account_output_kind_enum import AccountOutputKindEnum
from ..models.account_output_status_enum import AccountOutputStatusEnum
from ..models.currency_enum import CurrencyEnum

T = TypeVar("T", bound="AccountOutput")


@_attrs_define
class AccountOutput:
    """
    Attributes:
        id (int):
        number (str):
        kind (AccountOutputKindEnum):
        currency (CurrencyEnum):
        status (AccountOutputStatusEnum):
        balance (str): Decimal string in the currency's units. Example: 125.40.
        available_balance (str): Decimal string in the currency's units. Example: 125.40.
        opened_at (datetime.datetime):
    """

    id: int
    number: str
    kind: AccountOutputKindEnum
    currency: CurrencyEnum
    status: AccountOutputStatusEnum
    balance: str
    available_balance: str
    opened_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        number = self.number

        kind = self.kind.value

        currency = self.currency.value

        status = self.status.value

        balance = self.balance

        available_balance = self.available_balance

        opened_at = self.opened_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "number": number,
                "kind": kind,
                "currency": currency,
                "status": status,
                "balance": balance,
                "available_balance": available_balance,
                "opened_at": opened_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        number = d.pop("number")

        kind = AccountOutputKindEnum(d.pop("kind"))

        currency = CurrencyEnum(d.pop("currency"))

        status = AccountOutputStatusEnum(d.pop("status"))

        balance = d.pop("balance")

        available_balance = d.pop("available_balance")

        opened_at = datetime.datetime.fromisoformat(d.pop("opened_at"))

        account_output = cls(
            id=id,
            number=number,
            kind=kind,
            currency=currency,
            status=status,
            balance=balance,
            available_balance=available_balance,
            opened_at=opened_at,
        )

        account_output.additional_properties = d
        return account_output

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
