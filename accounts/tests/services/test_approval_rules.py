"""Four eyes at its edges: who may decide, what a decision records, what a refusal leaves.

Each test pins a line of accounts/services/approvals.py that could be wrong without the
deposit and wire tests noticing (make mutate finds such lines). The requests here are of an
action registered for the test alone, so what its execution did is plain to see.
"""

import pytest
from django.contrib.auth.models import Permission
from django.db import transaction

from accounts.errors import AccountLimitReached, ApprovalAlreadyDecided, ApprovalByRequester
from accounts.models import ApprovalRequest
from accounts.services import approvals
from accounts.services.approvals import (
    approval_action_register,
    approval_approve,
    approval_describe,
    approval_kinds,
    approval_label,
    approval_permissions,
    approval_reject,
    approval_request_create,
    approval_withdraw,
)
from accounts.tests.factories import UserFactory
from audit import actions
from audit.models import AuditEvent
from bankcore.errors import NotFound, NotPermitted, ReasonRequired

pytestmark = pytest.mark.django_db

ACTION = "test.stamp"
PERMISSION = "accounts.post_deposit"


@pytest.fixture
def executed(monkeypatch):
    """Registers ACTION for this test; its executions, in order."""
    monkeypatch.setattr(approvals, "_registry", dict(approvals._registry))
    runs = []

    def execute(approval):
        if approval.payload.get("refuse"):
            raise AccountLimitReached()
        runs.append(approval.payload)
        return {"stamped": approval.payload["n"]}

    approval_action_register(name=ACTION, permission=PERMISSION, execute=execute)
    return runs


def staff(*, permitted=True, **fields):
    user = UserFactory(is_staff=fields.pop("is_staff", True), **fields)
    if permitted:
        user.user_permissions.add(Permission.objects.get(codename="post_deposit"))
    return user


def request(payload=None, requester=None):
    with transaction.atomic():
        return approval_request_create(
            action=ACTION, payload=payload or {"n": 1}, requester=requester or staff()
        )


def test_a_request_is_recorded_pending_and_audited(executed):
    requester = staff()
    approval = request({"n": 7}, requester)
    assert (approval.status, approval.requested_by, approval.payload) == ("pending", requester, {"n": 7})
    event = AuditEvent.objects.get(action=actions.APPROVAL_REQUESTED)
    assert (event.actor, event.after) == (requester, {"action": ACTION, "payload": {"n": 7}})
    assert executed == []


def test_an_unregistered_action_cannot_be_requested(executed):
    with pytest.raises(KeyError), transaction.atomic():
        approval_request_create(action="test.unknown", payload={}, requester=staff())
    assert not ApprovalRequest.objects.exists()


def test_another_permitted_member_of_staff_approves_and_the_action_runs_once(executed):
    approval = request({"n": 3})
    approver = staff()
    approved = approval_approve(approval_id=approval.pk, approver=approver, note="  checked the slip  ")
    assert executed == [{"n": 3}]
    stored = ApprovalRequest.objects.get(pk=approval.pk)
    assert (stored.status, stored.decided_by, stored.decision_note) == (
        "approved",
        approver,
        "checked the slip",
    )
    assert stored.decided_at == approved.decided_at is not None
    event = AuditEvent.objects.get(action=actions.APPROVAL_APPROVED)
    assert (event.actor, event.before) == (approver, {"status": "pending"})
    assert event.after == {"status": "approved", "action": ACTION, "note": "checked the slip", "stamped": 3}


def test_a_request_is_decided_once(executed):
    approval = request()
    approval_approve(approval_id=approval.pk, approver=staff())
    with pytest.raises(ApprovalAlreadyDecided):
        approval_approve(approval_id=approval.pk, approver=staff())
    with pytest.raises(ApprovalAlreadyDecided):
        approval_reject(approval_id=approval.pk, approver=staff(), note="too late")
    assert len(executed) == 1


def test_the_requester_cannot_decide_their_own_request(executed):
    requester = staff()
    approval = request(requester=requester)
    with pytest.raises(ApprovalByRequester):
        approval_approve(approval_id=approval.pk, approver=requester)
    assert ApprovalRequest.objects.get(pk=approval.pk).status == "pending"


@pytest.mark.parametrize(
    "approver_fields",
    [{"permitted": False}, {"is_active": False}, {"is_staff": False}],
    ids=["without the permission", "inactive", "not staff"],
)
def test_only_active_staff_holding_the_permission_decide(executed, approver_fields):
    approval = request()
    with pytest.raises(NotPermitted) as refused:
        approval_approve(approval_id=approval.pk, approver=staff(**approver_fields))
    assert refused.value.detail == f"Deciding {ACTION} requests needs the {PERMISSION} permission."
    assert ApprovalRequest.objects.get(pk=approval.pk).status == "pending"
    assert executed == []


def test_an_unknown_request_is_not_found(executed):
    with pytest.raises(NotFound):
        approval_approve(approval_id=123456, approver=staff())


def test_a_refused_action_leaves_the_request_pending_and_audits_the_refusal(executed):
    approval = request({"n": 1, "refuse": True})
    approver = staff()
    with pytest.raises(AccountLimitReached):
        approval_approve(approval_id=approval.pk, approver=approver)
    assert ApprovalRequest.objects.get(pk=approval.pk).status == "pending"
    assert not AuditEvent.objects.filter(action=actions.APPROVAL_APPROVED).exists()
    event = AuditEvent.objects.get(action=actions.APPROVAL_REFUSED)
    assert (event.actor, event.object_type, event.object_id) == (
        approver,
        "accounts.approvalrequest",
        str(approval.pk),
    )
    assert event.after == {"refusal": "account_limit_reached", "detail": AccountLimitReached.detail}


def test_a_rejection_needs_a_reason_and_never_runs_the_action(executed):
    approval = request()
    approver = staff()
    with pytest.raises(ReasonRequired):
        approval_reject(approval_id=approval.pk, approver=approver, note="   ")
    rejected = approval_reject(approval_id=approval.pk, approver=approver, note=" not ours ")
    assert (rejected.status, rejected.decision_note) == ("rejected", "not ours")
    assert ApprovalRequest.objects.get(pk=approval.pk).status == "rejected"
    event = AuditEvent.objects.get(action=actions.APPROVAL_REJECTED)
    assert event.after == {"status": "rejected", "action": ACTION, "note": "not ours"}
    assert executed == []


def test_a_pending_request_is_withdrawn_once_with_its_reason_kept(executed):
    approval = request()
    actor = staff()
    reason = "wire cancelled by the customer " * 10
    with transaction.atomic():
        assert approval_withdraw(approval_id=approval.pk, actor=actor, reason=reason) is True
        assert approval_withdraw(approval_id=approval.pk, actor=actor, reason=reason) is False
    stored = ApprovalRequest.objects.get(pk=approval.pk)
    assert (stored.status, stored.decision_note) == ("withdrawn", reason[:255])
    [event] = AuditEvent.objects.filter(action=actions.APPROVAL_WITHDRAWN)
    assert (event.actor, event.object_id) == (actor, str(approval.pk))
    assert event.after == {"status": "withdrawn", "reason": reason}


def test_actions_name_and_describe_themselves_to_staff(executed):
    approval_action_register(
        name="test.described",
        permission="accounts.view_account",
        execute=lambda approval: {},
        describe=lambda payload: f"stamp {payload['n']}",
        label="Stamping",
    )
    kinds = approval_kinds()
    assert ("test.described", "Stamping") in kinds
    assert (ACTION, ACTION) in kinds
    assert kinds == sorted(kinds)
    assert {PERMISSION, "accounts.view_account"} <= approval_permissions()
    described = ApprovalRequest(action="test.described", payload={"n": 2})
    plain = ApprovalRequest(action=ACTION, payload={"name": "Zoë"})
    unknown = ApprovalRequest(action="test.gone", payload={})
    assert (approval_label(described), approval_label(plain), approval_label(unknown)) == (
        "Stamping",
        ACTION,
        "test.gone",
    )
    assert (approval_describe(described), approval_describe(plain)) == ("stamp 2", '{"name": "Zoë"}')


@pytest.mark.django_db(transaction=True)  # a plain test runs inside a transaction already
def test_a_decision_commits_on_its_own_and_refuses_a_callers_transaction(executed):
    approval = request()
    for decide in (
        lambda: approval_approve(approval_id=approval.pk, approver=staff()),
        lambda: approval_reject(approval_id=approval.pk, approver=staff(), note="no"),
    ):
        with pytest.raises(RuntimeError, match="durable"), transaction.atomic():
            decide()
    assert ApprovalRequest.objects.get(pk=approval.pk).status == "pending"
    assert executed == []
