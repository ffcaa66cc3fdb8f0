from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.amount_limit import AmountLimit
    from ..models.count_limit import CountLimit
    from ..models.customer_limits import CustomerLimits


T = TypeVar("T", bound="WireLimits")


@_attrs_define
class WireLimits:
    """
    Attributes:
        account (int):
        currency (str):
        as_of (datetime.datetime):
        per_wire (AmountLimit):
        daily (AmountLimit):
        monthly (AmountLimit):
        daily_count (CountLimit):
        customer (CustomerLimits): The customer's limits across all their accounts in the currency.
    """

    account: int
    currency: str
    as_of: datetime.datetime
    per_wire: AmountLimit
    daily: AmountLimit
    monthly: AmountLimit
    daily_count: CountLimit
    customer: CustomerLimits
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        account = self.account

        currency = self.currency

        as_of = self.as_of.isoformat()

        per_wire = self.per_wire.to_dict()

        daily = self.daily.to_dict()

        monthly = self.monthly.to_dict()

        daily_count = self.daily_count.to_dict()

        customer = self.customer.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "account": account,
                "currency": currency,
                "as_of": as_of,
                "per_wire": per_wire,
                "daily": daily,
                "monthly": monthly,
                "daily_count": daily_count,
                "customer": customer,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amount_limit import AmountLimit  # noqa: PLC0415
        from ..models.count_limit import CountLimit  # noqa: PLC0415
        from ..models.customer_limits import CustomerLimits  # noqa: PLC0415

        d = dict(src_dict)
        account = d.pop("account")

        currency = d.pop("currency")

        as_of = datetime.datetime.fromisoformat(d.pop("as_of"))

        per_wire = AmountLimit.from_dict(d.pop("per_wire"))

        daily = AmountLimit.from_dict(d.pop("daily"))

        monthly = AmountLimit.from_dict(d.pop("monthly"))

        daily_count = CountLimit.from_dict(d.pop("daily_count"))

        customer = CustomerLimits.from_dict(d.pop("customer"))

        wire_limits = cls(
            account=account,
            currency=currency,
            as_of=as_of,
            per_wire=per_wire,
            daily=daily,
            monthly=monthly,
            daily_count=daily_count,
            customer=customer,
        )

        wire_limits.additional_properties = d
        return wire_limits

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
