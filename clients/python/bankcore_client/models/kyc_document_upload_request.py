from __future__ import annotations

import datetime
from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from .. import types
from ..models.document_type_enum import DocumentTypeEnum
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="KycDocumentUploadRequest")


@_attrs_define
class KycDocumentUploadRequest:
    """
    Attributes:
        document_type (DocumentTypeEnum):
        file (File):
        issued_on (datetime.date | Unset): Required for proof_of_address; not in the future.
        expires_on (datetime.date | Unset): Required for photo IDs; not in the past.
    """

    document_type: DocumentTypeEnum
    file: File
    issued_on: datetime.date | Unset = UNSET
    expires_on: datetime.date | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        document_type = self.document_type.value

        file = self.file.to_tuple()

        issued_on: str | Unset = UNSET
        if not isinstance(self.issued_on, Unset):
            issued_on = self.issued_on.isoformat()

        expires_on: str | Unset = UNSET
        if not isinstance(self.expires_on, Unset):
            expires_on = self.expires_on.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "document_type": document_type,
                "file": file,
            }
        )
        if issued_on is not UNSET:
            field_dict["issued_on"] = issued_on
        if expires_on is not UNSET:
            field_dict["expires_on"] = expires_on

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("document_type", (None, str(self.document_type.value).encode(), "text/plain")))

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.issued_on, Unset):
            files.append(("issued_on", (None, self.issued_on.isoformat().encode(), "text/plain")))

        if not isinstance(self.expires_on, Unset):
            files.append(("expires_on", (None, self.expires_on.isoformat().encode(), "text/plain")))

        for prop_name, prop in self.additional_properties.items():
            files.append((prop_name, (None, str(prop).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        document_type = DocumentTypeEnum(d.pop("document_type"))

        file = File(payload=BytesIO(d.pop("file")))

        _issued_on = d.pop("issued_on", UNSET)
        issued_on: datetime.date | Unset
        if isinstance(_issued_on, Unset):
            issued_on = UNSET
        else:
            issued_on = datetime.date.fromisoformat(_issued_on)

        _expires_on = d.pop("expires_on", UNSET)
        expires_on: datetime.date | Unset
        if isinstance(_expires_on, Unset):
            expires_on = UNSET
        else:
            expires_on = datetime.date.fromisoformat(_expires_on)

        kyc_document_upload_request = cls(
            document_type=document_type,
            file=file,
            issued_on=issued_on,
            expires_on=expires_on,
        )

        kyc_document_upload_request.additional_properties = d
        return kyc_document_upload_request

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
