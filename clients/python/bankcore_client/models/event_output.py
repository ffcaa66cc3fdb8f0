from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.event_object import EventObject


T = TypeVar("T", bound="EventOutput")


@_attrs_define
class EventOutput:
    """The schema's declaration of ``event_body``: an event names its object and holds no
    personal data; the object's own endpoint has its state.

        Attributes:
            id (UUID): The event's id: the same each time it is read or delivered.
            type_ (str): The event's type, `<object>.<what happened>` (docs/events.md lists them).
            created_at (datetime.datetime):
            object_ (EventObject):
    """

    id: UUID
    type_: str
    created_at: datetime.datetime
    object_: EventObject
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        type_ = self.type_

        created_at = self.created_at.isoformat()

        object_ = self.object_.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "created_at": created_at,
                "object": object_,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.event_object import EventObject  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        type_ = d.pop("type")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        object_ = EventObject.from_dict(d.pop("object"))

        event_output = cls(
            id=id,
            type_=type_,
            created_at=created_at,
            object_=object_,
        )

        event_output.additional_properties = d
        return event_output

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
