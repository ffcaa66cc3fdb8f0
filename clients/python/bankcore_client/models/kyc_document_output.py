from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.document_type_enum import DocumentTypeEnum
from ..models.kyc_document_status_enum import KycDocumentStatusEnum
from ..types import UNSET, Unset

T = TypeVar("T", bound="KycDocumentOutput")


@_attrs_define
class KycDocumentOutput:
    """
    Attributes:
        id (int):
        document_type (DocumentTypeEnum):
        content_type (str): Detected from the bytes
        size (int): Bytes stored, after metadata was stripped
        sha256 (str): Of the bytes stored (rewritten: a duplicate is judged by what is kept)
        status (KycDocumentStatusEnum | Unset):
        issued_on (datetime.date | None | Unset):
        expires_on (datetime.date | None | Unset):
        uploaded_at (datetime.datetime | Unset):
    """

    id: int
    document_type: DocumentTypeEnum
    content_type: str
    size: int
    sha256: str
    status: KycDocumentStatusEnum | Unset = UNSET
    issued_on: datetime.date | None | Unset = UNSET
    expires_on: datetime.date | None | Unset = UNSET
    uploaded_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        document_type = self.document_type.value

        content_type = self.content_type

        size = self.size

        sha256 = self.sha256

        status: str | Unset = UNSET
        if not isinstance(self.status, Unset):
            status = self.status.value

        issued_on: None | str | Unset
        if isinstance(self.issued_on, Unset):
            issued_on = UNSET
        elif isinstance(self.issued_on, datetime.date):
            issued_on = self.issued_on.isoformat()
        else:
            issued_on = self.issued_on

        expires_on: None | str | Unset
        if isinstance(self.expires_on, Unset):
            expires_on = UNSET
        elif isinstance(self.expires_on, datetime.date):
            expires_on = self.expires_on.isoformat()
        else:
            expires_on = self.expires_on

        uploaded_at: str | Unset = UNSET
        if not isinstance(self.uploaded_at, Unset):
            uploaded_at = self.uploaded_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "document_type": document_type,
                "content_type": content_type,
                "size": size,
                "sha256": sha256,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if issued_on is not UNSET:
            field_dict["issued_on"] = issued_on
        if expires_on is not UNSET:
            field_dict["expires_on"] = expires_on
        if uploaded_at is not UNSET:
            field_dict["uploaded_at"] = uploaded_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        document_type = DocumentTypeEnum(d.pop("document_type"))

        content_type = d.pop("content_type")

        size = d.pop("size")

        sha256 = d.pop("sha256")

        _status = d.pop("status", UNSET)
        status: KycDocumentStatusEnum | Unset
        if isinstance(_status, Unset):
            status = UNSET
        else:
            status = KycDocumentStatusEnum(_status)

        def _parse_issued_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                issued_on_type_0 = datetime.date.fromisoformat(data)

                return issued_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        issued_on = _parse_issued_on(d.pop("issued_on", UNSET))

        def _parse_expires_on(data: object) -> datetime.date | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_on_type_0 = datetime.date.fromisoformat(data)

                return expires_on_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.date | None | Unset, data)

        expires_on = _parse_expires_on(d.pop("expires_on", UNSET))

        _uploaded_at = d.pop("uploaded_at", UNSET)
        uploaded_at: datetime.datetime | Unset
        if isinstance(_uploaded_at, Unset):
            uploaded_at = UNSET
        else:
            uploaded_at = datetime.datetime.fromisoformat(_uploaded_at)

        kyc_document_output = cls(
            id=id,
            document_type=document_type,
            content_type=content_type,
            size=size,
            sha256=sha256,
            status=status,
            issued_on=issued_on,
            expires_on=expires_on,
            uploaded_at=uploaded_at,
        )

        kyc_document_output.additional_properties = d
        return kyc_document_output

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
