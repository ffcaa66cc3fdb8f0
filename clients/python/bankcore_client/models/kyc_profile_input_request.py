from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.country_enum import CountryEnum

T = TypeVar("T", bound="KycProfileInputRequest")


@_attrs_define
class KycProfileInputRequest:
    """
    Attributes:
        legal_name (str): At most 3 combining marks on one character (400 too_many_combining_marks). Above U+FFFF, which
            the pattern's dialect cannot name, the same characters are refused: private-use, unassigned and ignorable ones
            (400 invalid_character).
        date_of_birth (datetime.date):
        nationality (CountryEnum):
        residence_country (CountryEnum):
        address (str): At most 3 combining marks on one character (400 too_many_combining_marks). Above U+FFFF, which
            the pattern's dialect cannot name, the same characters are refused: private-use, unassigned and ignorable ones
            (400 invalid_character).
        national_id (str): Letters and digits (at least 6), spaces and hyphens; only its last 4 are ever shown back.
    """

    legal_name: str
    date_of_birth: datetime.date
    nationality: CountryEnum
    residence_country: CountryEnum
    address: str
    national_id: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        legal_name = self.legal_name

        date_of_birth = self.date_of_birth.isoformat()

        nationality = self.nationality.value

        residence_country = self.residence_country.value

        address = self.address

        national_id = self.national_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "legal_name": legal_name,
                "date_of_birth": date_of_birth,
                "nationality": nationality,
                "residence_country": residence_country,
                "address": address,
                "national_id": national_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        legal_name = d.pop("legal_name")

        date_of_birth = datetime.date.fromisoformat(d.pop("date_of_birth"))

        nationality = CountryEnum(d.pop("nationality"))

        residence_country = CountryEnum(d.pop("residence_country"))

        address = d.pop("address")

        national_id = d.pop("national_id")

        kyc_profile_input_request = cls(
            legal_name=legal_name,
            date_of_birth=date_of_birth,
            nationality=nationality,
            residence_country=residence_country,
            address=address,
            national_id=national_id,
        )

        kyc_profile_input_request.additional_properties = d
        return kyc_profile_input_request

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
