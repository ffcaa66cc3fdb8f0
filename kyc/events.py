"""The KYC app's event types (bankcore.events; docs/events.md)."""

from bankcore.events import EventType

KYC_SUBMITTED = EventType(
    name="kyc.submitted",
    object_type="kyc_profile",
    description="The customer submitted their KYC profile for review.",
    route="kyc-status",
    route_takes_id=False,
)
KYC_APPROVED = EventType(
    name="kyc.approved",
    object_type="kyc_profile",
    description="Compliance staff approved the customer's KYC profile.",
    route="kyc-status",
    route_takes_id=False,
)
KYC_REJECTED = EventType(
    name="kyc.rejected",
    object_type="kyc_profile",
    description="Compliance staff rejected the customer's KYC profile.",
    route="kyc-status",
    route_takes_id=False,
)
KYC_MORE_INFORMATION_NEEDED = EventType(
    name="kyc.more_information_needed",
    object_type="kyc_profile",
    description="Compliance staff need more information before deciding; the KYC status says what.",
    route="kyc-status",
    route_takes_id=False,
)
