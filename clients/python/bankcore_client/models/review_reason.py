from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.field_enum import FieldEnum
from ..models.rule_enum import RuleEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="ReviewReason")


@_attrs_define
class ReviewReason:
    """
    Attributes:
        rule (RuleEnum):
        detail (str):
        threshold (str | Unset): The review threshold (amount_threshold, daily_total_threshold).
        amount (str | Unset): The wire's amount (amount_threshold, daily_total_threshold).
        sent_today_unreviewed (str | Unset): What the customer sent today in the currency without review, before this
            wire (daily_total_threshold).
        jurisdiction (str | Unset): The sanctioned jurisdiction (sanctioned_jurisdiction): an ISO 3166-1 country code
            such as IR, or an ISO 3166-2 region code such as UA-43.
        field (FieldEnum | Unset):
        bic (str | Unset): The BIC not found (unverified_bic).
    """

    rule: RuleEnum
    detail: str
    threshold: str | Unset = UNSET
    amount: str | Unset = UNSET
    sent_today_unreviewed: str | Unset = UNSET
    jurisdiction: str | Unset = UNSET
    field: FieldEnum | Unset = UNSET
    bic: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        rule = self.rule.value

        detail = self.detail

        threshold = self.threshold

        amount = self.amount

        sent_today_unreviewed = self.sent_today_unreviewed

        jurisdiction = self.jurisdiction

        field: str | Unset = UNSET
        if not isinstance(self.field, Unset):
            field = self.field.value

        bic = self.bic

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "rule": rule,
                "detail": detail,
            }
        )
        if threshold is not UNSET:
            field_dict["threshold"] = threshold
        if amount is not UNSET:
            field_dict["amount"] = amount
        if sent_today_unreviewed is not UNSET:
            field_dict["sent_today_unreviewed"] = sent_today_unreviewed
        if jurisdiction is not UNSET:
            field_dict["jurisdiction"] = jurisdiction
        if field is not UNSET:
            field_dict["field"] = field
        if bic is not UNSET:
            field_dict["bic"] = bic

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        rule = RuleEnum(d.pop("rule"))

        detail = d.pop("detail")

        threshold = d.pop("threshold", UNSET)

        amount = d.pop("amount", UNSET)

        sent_today_unreviewed = d.pop("sent_today_unreviewed", UNSET)

        jurisdiction = d.pop("jurisdiction", UNSET)

        _field = d.pop("field", UNSET)
        field: FieldEnum | Unset
        if isinstance(_field, Unset):
            field = UNSET
        else:
            field = FieldEnum(_field)

        bic = d.pop("bic", UNSET)

        review_reason = cls(
            rule=rule,
            detail=detail,
            threshold=threshold,
            amount=amount,
            sent_today_unreviewed=sent_today_unreviewed,
            jurisdiction=jurisdiction,
            field=field,
            bic=bic,
        )

        review_reason.additional_properties = d
        return review_reason

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
