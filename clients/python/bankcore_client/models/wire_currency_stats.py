from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.wire_summary import WireSummary


T = TypeVar("T", bound="WireCurrencyStats")


@_attrs_define
class WireCurrencyStats:
    """
    Attributes:
        currency (str):
        today (WireSummary):
        this_month (WireSummary):
        pending_review (WireSummary):
    """

    currency: str
    today: WireSummary
    this_month: WireSummary
    pending_review: WireSummary
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        currency = self.currency

        today = self.today.to_dict()

        this_month = self.this_month.to_dict()

        pending_review = self.pending_review.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "currency": currency,
                "today": today,
                "this_month": this_month,
                "pending_review": pending_review,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wire_summary import WireSummary  # noqa: PLC0415

        d = dict(src_dict)
        currency = d.pop("currency")

        today = WireSummary.from_dict(d.pop("today"))

        this_month = WireSummary.from_dict(d.pop("this_month"))

        pending_review = WireSummary.from_dict(d.pop("pending_review"))

        wire_currency_stats = cls(
            currency=currency,
            today=today,
            this_month=this_month,
            pending_review=pending_review,
        )

        wire_currency_stats.additional_properties = d
        return wire_currency_stats

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
