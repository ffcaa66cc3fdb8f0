import pytest

from audit.models import AuditEvent
from audit.services import audit_record
from bankcore.observability import RequestContext

pytestmark = pytest.mark.django_db


def test_audit_record_names_actor_target_and_request(customer, staff_user):
    context = RequestContext(
        request_id="r-1", ip="192.0.2.4", user_agent="admin-browser", client_request_id="caller-9"
    )
    event = audit_record(
        action="auth.password_changed",
        actor=staff_user,
        target=customer,
        before={"is_active": True},
        after={"is_active": False},
        context=context,
    )
    event.refresh_from_db()
    assert event.actor == staff_user
    assert event.actor_label == staff_user.email
    assert (event.object_type, event.object_id) == ("accounts.user", str(customer.pk))
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})
    assert (event.request_id, event.ip_address, event.user_agent) == ("r-1", "192.0.2.4", "admin-browser")
    assert event.client_request_id == "caller-9"


def test_audit_record_outside_a_request_has_no_request_details():
    event = audit_record(action="auth.login_failed", object_type="accounts.user", after={"email": "x@y.z"})
    assert event.actor is None
    assert (event.request_id, event.client_request_id, event.ip_address, event.user_agent) == (
        "",
        "",
        None,
        "",
    )


def test_audit_events_cannot_be_changed_or_deleted(customer):
    event = audit_record(action="auth.user_registered", target=customer)
    event.action = "something_else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(action="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get().action == "auth.user_registered"


def test_an_event_written_by_its_own_insert_is_the_row_the_orm_writes(customer, staff_user):
    """audit_record's INSERT (bankcore.database.rows.new_row_insert, on PostgreSQL) against
    the ORM's save of the same event: every column the same, odd values included."""
    import datetime

    from bankcore.database.rows import new_row_insert

    when = datetime.datetime(2026, 12, 7, 20, 30, 1, 123456, tzinfo=datetime.UTC)
    values = {
        "occurred_at": when,
        "actor": staff_user,
        "actor_label": staff_user.email,
        "action": "transfer.created",
        "object_type": "transfers.transfer",
        "object_id": "42",
        "before": None,
        "after": {"amount": 2**62 + 1, "note": 'quote " backslash \\ é \u202e', "when": when},
        "ip_address": "2001:db8::1",
        "user_agent": "agent/1.0",
        "request_id": "r-1",
        "client_request_id": "c-1",
    }
    ours, orms = AuditEvent(**values), AuditEvent(**values)
    new_row_insert(ours)
    orms.save(force_insert=True)
    assert ours.pk is not None
    assert ours.pk != orms.pk
    assert not ours._state.adding
    columns = [f.attname for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    written = AuditEvent.objects.filter(pk__in=[ours.pk, orms.pk]).order_by("pk").values(*columns)
    assert written[0] == written[1]
    assert written[0]["after"]["amount"] == 2**62 + 1


def test_an_own_insert_refuses_or_leaves_to_the_orm_what_it_would_write_otherwise():
    """As the ORM: an unsaved related object is refused, a primary key given is kept."""
    from django.contrib.auth import get_user_model

    from bankcore.database.rows import new_row_insert

    unsaved = get_user_model()(email="ghost@example.com")
    with pytest.raises(ValueError, match="unsaved related object"):
        new_row_insert(AuditEvent(action="a", actor=unsaved))
    given = AuditEvent(id=987_654, action="a")
    new_row_insert(given)
    assert given.pk == 987_654
    assert AuditEvent.objects.filter(pk=987_654, action="a").exists()
