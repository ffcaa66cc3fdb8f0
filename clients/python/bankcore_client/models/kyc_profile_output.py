from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.kyc_status_enum import KycStatusEnum
from ..models.level_enum import LevelEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="KycProfileOutput")


@_attrs_define
class KycProfileOutput:
    """
    Attributes:
        national_id_last4 (str): The last 4 characters of the national ID only.
        status (KycStatusEnum | Unset):
        level (LevelEnum | Unset):
        legal_name (str | Unset):
        date_of_birth (datetime.date | None | Unset):
        nationality (str | Unset): ISO 3166-1 alpha-2
        residence_country (str | Unset): ISO 3166-1 alpha-2
        address (str | Unset):
        submitted_at (datetime.datetime | None | Unset):
        decided_at (datetime.datetime | None | Unset):
        reason (str | Unset):
    """

    national_id_last4: str
    status: KycStatusEnum | Unset = UNSET
    level: LevelEnum | Unset = UNSET
    legal_name: str | Unset = UNSET
    date_of_birth: datetime.date | None | Unset = UNSET
    nationality: str | Unset = UNSET
    residence_country: str | Unset = UNSET
    address: str | Unset = UNSET
    submitted_at: datetime.datetime | None | Unset = UNSET
    decided_at: datetime.datetime | None | Unset = UNSET
    reason: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        national_id_last4 = self.national_id_last4

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        level: str | Unset = UNSET
        if not isinstance(self.level, Unset):
            level = self.level.value

        legal_name = self.legal_name

        date_of_birth: None | str | Unset
        if isinstance(self.date_of_birth, Unset):
            date_of_birth = UNSET
        elif isinstance(self.date_of_birth, datetime.date):
            date_of_birth = self.date_of_birth.isoformat()
        else:
            date_of_birth = self.date_of_birth

        nationality = self.nationality

        residence_country = self.residence_country

        address = self.address

        submitted_at: None | str | Unset
        if isinstance(self.submitted_at, Unset):
            submitted_at = UNSET
        elif isinstance(self.submitted_at, datetime.datetime):
            submitted_at = self.submitted_at.isoformat()
        else:
            submitted_at = self.submitted_at

        decided_at: None | str | Unset
        if isinstance(self.decided_at, Unset):
            decided_at = UNSET
        elif isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        reason = self.reason

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "national_id_last4": national_id_last4,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if level is not UNSET:
            field_dict["level"] = level
        if legal_name is not UNSET:
            field_dict["legal_name"] = legal_name
        if date_of_birth is not UNSET:
            field_dict["date_of_birth"] = date_of_birth
        if nationality is not UNSET:
            field_dict["nationality"] = nationality
        if residence_country is not UNSET:
            field_dict["residence_country"] = residence_country
        if address is not UNSET:
            field_dict["address"] = address
        if submitted_at is not UNSET:
            field_dict["submitted_at"] = submitted_at
        if decided_at is not UNSET:
            field_dict["decided_at"] = decided_at
        if reason is not UNSET:
            field_dict["reason"] = reason

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        national_id_last4 = d.pop("national_id_last4")

        _status = d.pop("status", UNSET)
        status: KycStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = KycStatusEnum(_status)

        _level = d.pop("level", UNSET)
        level: LevelEnum | Unset
        if isinstance(_level, Unset):
            level = UNSET
        else:
            level = LevelEnum(_level)

        legal_name = d.pop("legal_name", UNSET)

        def _parse_date_of_birth(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                date_of_birth_type_0 = datetime.date.fromisoformat(data)

                return date_of_birth_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        date_of_birth = _parse_date_of_birth(d.pop("date_of_birth", UNSET))

        nationality = d.pop("nationality", UNSET)

        residence_country = d.pop("residence_country", UNSET)

        address = d.pop("address", UNSET)

        def _parse_submitted_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                submitted_at_type_0 = datetime.datetime.fromisoformat(data)

                return submitted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        submitted_at = _parse_submitted_at(d.pop("submitted_at", UNSET))

        def _parse_decided_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        decided_at = _parse_decided_at(d.pop("decided_at", UNSET))

        reason = d.pop("reason", UNSET)

        kyc_profile_output = cls(
            national_id_last4=national_id_last4,
            status=status,
            level=level,
            legal_name=legal_name,
            date_of_birth=date_of_birth,
            nationality=nationality,
            residence_country=residence_country,
            address=address,
            submitted_at=submitted_at,
            decided_at=decided_at,
            reason=reason,
        )

        kyc_profile_output.additional_properties = d
        return kyc_profile_output

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
