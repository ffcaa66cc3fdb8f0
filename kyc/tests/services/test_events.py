"""A KYC profile's moves publish their events (bankcore.events) with the change."""

from bankcore.models import Event
from kyc.models import KycStatus
from kyc.services.review import kyc_approve, kyc_reject, kyc_request_more_info, kyc_submit
from kyc.tests.factories import submitted_profile


def types_since(customer, since: int) -> list[str]:
    return [e.type for e in Event.objects.filter(customer=customer, id__gt=since).order_by("id")]


def newest_id() -> int:
    newest = Event.objects.order_by("-id").first()
    return newest.pk if newest else 0


def test_submitted_then_approved(kyc_storage, customer, reviewer):
    since = newest_id()
    profile = submitted_profile(customer)
    kyc_approve(profile_id=profile.pk, reviewer=reviewer)
    assert types_since(customer, since) == ["kyc.submitted", "kyc.approved"]
    event = Event.objects.filter(customer=customer).latest("id")
    assert (event.object_type, event.object_id) == ("kyc_profile", profile.pk)


def test_more_information_then_rejected(kyc_storage, customer, reviewer):
    profile = submitted_profile(customer)
    since = newest_id()
    kyc_request_more_info(profile_id=profile.pk, reviewer=reviewer, reason="the passport is blurred")
    profile.refresh_from_db()
    assert profile.status == KycStatus.NEEDS_MORE_INFO
    assert types_since(customer, since) == ["kyc.more_information_needed"]
    kyc_submit(customer=customer)
    kyc_reject(profile_id=profile.pk, reviewer=reviewer, reason="not the holder")
    assert types_since(customer, since) == ["kyc.more_information_needed", "kyc.submitted", "kyc.rejected"]
