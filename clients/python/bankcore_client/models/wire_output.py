from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.charge_bearer_enum import ChargeBearerEnum
from ..models.currency_enum import CurrencyEnum
from ..models.wire_output_status_enum import WireOutputStatusEnum

if TYPE_CHECKING:
    from ..models.review_reason import ReviewReason


T = TypeVar("T", bound="WireOutput")


@_attrs_define
class WireOutput:
    """
    Attributes:
        id (int):
        uetr (UUID):
        source_account (int):
        amount (str): Decimal string in the currency's units. Example: 125.40.
        fee (str): Decimal string in the currency's units. Example: 125.40.
        currency (CurrencyEnum):
        beneficiary_name (str):
        beneficiary_account (str): IBAN, or a US account number.
        beneficiary_bic (str):
        beneficiary_country (str): ISO 3166-1 alpha-2
        beneficiary_address (str):
        beneficiary_routing_number (str): US ABA number
        reference (str): RmtInf/Ustrd
        charge_bearer (ChargeBearerEnum):
        value_date (datetime.date):
        status (WireOutputStatusEnum):
        review_reason (None | ReviewReason):
        hold_posting_id (int):
        release_posting_id (int | None):
        reversal_posting_id (int | None):
        created_at (datetime.datetime):
        updated_at (datetime.datetime):
    """

    id: int
    uetr: UUID
    source_account: int
    amount: str
    fee: str
    currency: CurrencyEnum
    beneficiary_name: str
    beneficiary_account: str
    beneficiary_bic: str
    beneficiary_country: str
    beneficiary_address: str
    beneficiary_routing_number: str
    reference: str
    charge_bearer: ChargeBearerEnum
    value_date: datetime.date
    status: WireOutputStatusEnum
    review_reason: None | ReviewReason
    hold_posting_id: int
    release_posting_id: int | None
    reversal_posting_id: int | None
    created_at: datetime.datetime
    updated_at: datetime.datetime
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.review_reason import ReviewReason  # noqa: PLC0415

        id = self.id

        uetr = str(self.uetr)

        source_account = self.source_account

        amount = self.amount

        fee = self.fee

        currency = self.currency.value

        beneficiary_name = self.beneficiary_name

        beneficiary_account = self.beneficiary_account

        beneficiary_bic = self.beneficiary_bic

        beneficiary_country = self.beneficiary_country

        beneficiary_address = self.beneficiary_address

        beneficiary_routing_number = self.beneficiary_routing_number

        reference = self.reference

        charge_bearer = self.charge_bearer.value

        value_date = self.value_date.isoformat()

        status = self.status.value

        review_reason: dict[str, Any] | None
        if isinstance(self.review_reason, ReviewReason):
            review_reason = self.review_reason.to_dict()
        else:
            review_reason = self.review_reason

        hold_posting_id = self.hold_posting_id

        release_posting_id: int | None
        release_posting_id = self.release_posting_id

        reversal_posting_id: int | None
        reversal_posting_id = self.reversal_posting_id

        created_at = self.created_at.isoformat()

        updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "uetr": uetr,
                "source_account": source_account,
                "amount": amount,
                "fee": fee,
                "currency": currency,
                "beneficiary_name": beneficiary_name,
                "beneficiary_account": beneficiary_account,
                "beneficiary_bic": beneficiary_bic,
                "beneficiary_country": beneficiary_country,
                "beneficiary_address": beneficiary_address,
                "beneficiary_routing_number": beneficiary_routing_number,
                "reference": reference,
                "charge_bearer": charge_bearer,
                "value_date": value_date,
                "status": status,
                "review_reason": review_reason,
                "hold_posting_id": hold_posting_id,
                "release_posting_id": release_posting_id,
                "reversal_posting_id": reversal_posting_id,
                "created_at": created_at,
                "updated_at": updated_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.review_reason import ReviewReason  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        uetr = UUID(d.pop("uetr"))

        source_account = d.pop("source_account")

        amount = d.pop("amount")

        fee = d.pop("fee")

        currency = CurrencyEnum(d.pop("currency"))

        beneficiary_name = d.pop("beneficiary_name")

        beneficiary_account = d.pop("beneficiary_account")

        beneficiary_bic = d.pop("beneficiary_bic")

        beneficiary_country = d.pop("beneficiary_country")

        beneficiary_address = d.pop("beneficiary_address")

        beneficiary_routing_number = d.pop("beneficiary_routing_number")

        reference = d.pop("reference")

        charge_bearer = ChargeBearerEnum(d.pop("charge_bearer"))

        value_date = datetime.date.fromisoformat(d.pop("value_date"))

        status = WireOutputStatusEnum(d.pop("status"))

        def _parse_review_reason(data: object) -> None | ReviewReason:
            if data is None:
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                review_reason_type_1 = ReviewReason.from_dict(data)

                return review_reason_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ReviewReason, data)

        review_reason = _parse_review_reason(d.pop("review_reason"))

        hold_posting_id = d.pop("hold_posting_id")

        def _parse_release_posting_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        release_posting_id = _parse_release_posting_id(d.pop("release_posting_id"))

        def _parse_reversal_posting_id(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        reversal_posting_id = _parse_reversal_posting_id(d.pop("reversal_posting_id"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        updated_at = datetime.datetime.fromisoformat(d.pop("updated_at"))

        wire_output = cls(
            id=id,
            uetr=uetr,
            source_account=source_account,
            amount=amount,
            fee=fee,
            currency=currency,
            beneficiary_name=beneficiary_name,
            beneficiary_account=beneficiary_account,
            beneficiary_bic=beneficiary_bic,
            beneficiary_country=beneficiary_country,
            beneficiary_address=beneficiary_address,
            beneficiary_routing_number=beneficiary_routing_number,
            reference=reference,
            charge_bearer=charge_bearer,
            value_date=value_date,
            status=status,
            review_reason=review_reason,
            hold_posting_id=hold_posting_id,
            release_posting_id=release_posting_id,
            reversal_posting_id=reversal_posting_id,
            created_at=created_at,
            updated_at=updated_at,
        )

        wire_output.additional_properties = d
        return wire_output

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
