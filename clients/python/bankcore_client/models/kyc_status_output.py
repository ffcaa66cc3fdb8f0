from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.kyc_status_enum import KycStatusEnum
from ..models.level_enum import LevelEnum

T = TypeVar("T", bound="KycStatusOutput")


@_attrs_define
class KycStatusOutput:
    """
    Attributes:
        status (KycStatusEnum):
        level (LevelEnum):
        submitted_at (datetime.datetime | None):
        decided_at (datetime.datetime | None):
        reason (str):
        missing (list[str]): What the next level still needs: photo_id (a passport, national_id, driving_licence or
            residence_permit that has not expired), selfie, proof_of_address (issued in the last 3 months).
    """

    status: KycStatusEnum
    level: LevelEnum
    submitted_at: datetime.datetime | None
    decided_at: datetime.datetime | None
    reason: str
    missing: list[str]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        level = self.level.value

        submitted_at: None | str
        if isinstance(self.submitted_at, datetime.datetime):
            submitted_at = self.submitted_at.isoformat()
        else:
            submitted_at = self.submitted_at

        decided_at: None | str
        if isinstance(self.decided_at, datetime.datetime):
            decided_at = self.decided_at.isoformat()
        else:
            decided_at = self.decided_at

        reason = self.reason

        missing = self.missing

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "level": level,
                "submitted_at": submitted_at,
                "decided_at": decided_at,
                "reason": reason,
                "missing": missing,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = KycStatusEnum(d.pop("status"))

        level = LevelEnum(d.pop("level"))

        def _parse_submitted_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                submitted_at_type_0 = datetime.datetime.fromisoformat(data)

                return submitted_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        submitted_at = _parse_submitted_at(d.pop("submitted_at"))

        def _parse_decided_at(data: object) -> datetime.datetime | None:
            if data is None:
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                decided_at_type_0 = datetime.datetime.fromisoformat(data)

                return decided_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None, data)

        decided_at = _parse_decided_at(d.pop("decided_at"))

        reason = d.pop("reason")

        missing = cast(list[str], d.pop("missing"))

        kyc_status_output = cls(
            status=status,
            level=level,
            submitted_at=submitted_at,
            decided_at=decided_at,
            reason=reason,
            missing=missing,
        )

        kyc_status_output.additional_properties = d
        return kyc_status_output

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
