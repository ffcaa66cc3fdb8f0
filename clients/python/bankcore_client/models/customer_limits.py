from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.amount_limit import AmountLimit
    from ..models.count_limit import CountLimit


T = TypeVar("T", bound="CustomerLimits")


@_attrs_define
class CustomerLimits:
    """The customer's limits across all their accounts in the currency.

    Attributes:
        per_wire (AmountLimit):
        daily (AmountLimit):
        monthly (AmountLimit):
        daily_count (CountLimit):
    """

    per_wire: AmountLimit
    daily: AmountLimit
    monthly: AmountLimit
    daily_count: CountLimit
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        per_wire = self.per_wire.to_dict()

        daily = self.daily.to_dict()

        monthly = self.monthly.to_dict()

        daily_count = self.daily_count.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "per_wire": per_wire,
                "daily": daily,
                "monthly": monthly,
                "daily_count": daily_count,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.amount_limit import AmountLimit  # noqa: PLC0415
        from ..models.count_limit import CountLimit  # noqa: PLC0415

        d = dict(src_dict)
        per_wire = AmountLimit.from_dict(d.pop("per_wire"))

        daily = AmountLimit.from_dict(d.pop("daily"))

        monthly = AmountLimit.from_dict(d.pop("monthly"))

        daily_count = CountLimit.from_dict(d.pop("daily_count"))

        customer_limits = cls(
            per_wire=per_wire,
            daily=daily,
            monthly=monthly,
            daily_count=daily_count,
        )

        customer_limits.additional_properties = d
        return customer_limits

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
