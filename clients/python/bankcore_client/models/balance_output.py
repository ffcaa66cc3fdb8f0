from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="BalanceOutput")


@_attrs_define
class BalanceOutput:
    """
    Attributes:
        account_id (int):
        currency (str):
        balance (str): Decimal string in the currency's units. Example: 125.40.
        available_balance (str): Decimal string in the currency's units. Example: 125.40.
        as_of (datetime.datetime):
    """

    account_id: int
    currency: str
    balance: str
    available_balance: str
    as_of: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account_id = self.account_id

        currency = self.currency

        balance = self.balance

        available_balance = self.available_balance

        as_of = self.as_of.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account_id": account_id,
                "currency": currency,
                "balance": balance,
                "available_balance": available_balance,
                "as_of": as_of,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        account_id = d.pop("account_id")

        currency = d.pop("currency")

        balance = d.pop("balance")

        available_balance = d.pop("available_balance")

        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))

        balance_output = cls(
            account_id=account_id,
            currency=currency,
            balance=balance,
            available_balance=available_balance,
            as_of=as_of,
        )

        balance_output.additional_properties = d
        return balance_output

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
