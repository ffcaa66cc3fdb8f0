"""The transfers app's event types (bankcore.events; docs/events.md)."""

from bankcore.events import EventType

TRANSFER_CREATED = EventType(
    name="transfer.created",
    object_type="transfer",
    description="A transfer from the customer's account was made (it moves at once).",
    route="transfer-detail",
)
WIRE_CREATED = EventType(
    name="wire.created",
    object_type="wire_transfer",
    description="A wire was created and its amount and fee held.",
    route="wire-transfer-detail",
)
WIRE_HELD = EventType(
    name="wire.held",
    object_type="wire_transfer",
    description="The wire waits for compliance staff to review it.",
    route="wire-transfer-detail",
)
WIRE_RELEASED = EventType(
    name="wire.released",
    object_type="wire_transfer",
    description="The wire was approved (by the rules or by staff) and released for sending.",
    route="wire-transfer-detail",
)
WIRE_SENT = EventType(
    name="wire.sent",
    object_type="wire_transfer",
    description="The wire was sent.",
    route="wire-transfer-detail",
)
WIRE_REJECTED = EventType(
    name="wire.rejected",
    object_type="wire_transfer",
    description="Staff rejected the wire; its amount and fee went back to the account.",
    route="wire-transfer-detail",
)
WIRE_CANCELLED = EventType(
    name="wire.cancelled",
    object_type="wire_transfer",
    description="The customer cancelled the wire; its amount and fee went back.",
    route="wire-transfer-detail",
)
