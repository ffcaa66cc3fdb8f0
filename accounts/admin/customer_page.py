"""What a customer's page in the back office shows besides the user: their accounts, KYC,
wires and recent audit events, each linked to its own page and shown only to staff who may
read it. Apps above accounts add their section from their admin module (the page imports
none of them)."""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from accounts.models import Account, User
from audit.selectors import audit_event_list_concerning
from bankcore.money import format_amount

RECENT_EVENTS = 10


@dataclass(frozen=True)
class CustomerSection:
    title: str
    order: int
    # The section's HTML for this viewer, or None when they may not read it.
    render: Callable[[HttpRequest, User], SafeString | None]


_sections: dict[str, CustomerSection] = {}
# Functions naming a customer's objects in other apps, for their recent audit events:
# customer -> [(object_type, [object ids])].
_audited_objects: list = []


def customer_section_register(*, title: str, order: int, render) -> None:
    _sections[title] = CustomerSection(title=title, order=order, render=render)


def customer_audited_objects_register(objects) -> None:
    if objects not in _audited_objects:
        _audited_objects.append(objects)


def when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment else "-"


def customer_sections(request: HttpRequest, customer: User) -> list[tuple[str, SafeString]]:
    shown = []
    for section in sorted(_sections.values(), key=lambda section: section.order):
        html = section.render(request, customer)
        if html is not None:
            shown.append((section.title, html))
    return shown


def table(headers: list[str], rows) -> SafeString:
    """A plain admin table; ``rows`` are tuples of already-escaped cells (format_html)."""
    head = format_html_join("", "<th>{}</th>", ((header,) for header in headers))
    body = format_html_join(
        "", "<tr>{}</tr>", ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows)
    )
    if not body:
        return format_html("<p>{}</p>", "None.")
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


def link(url: str, text) -> SafeString:
    return format_html('<a href="{}">{}</a>', url, text)


def _accounts(request, customer):
    if not request.user.has_perm("accounts.view_account"):
        return None
    accounts = Account.objects.filter(customer=customer).order_by("id")
    return table(
        ["number", "kind", "currency", "status", "balance"],
        (
            (
                link(reverse("admin:accounts_account_change", args=[account.pk]), account.number),
                account.get_kind_display(),
                account.currency,
                account.get_status_display(),
                format_amount(account.balance, account.currency),
            )
            for account in accounts
        ),
    )


def _audit_events(request, customer):
    if not request.user.has_perm("audit.view_auditevent"):
        return None
    account_ids = list(Account.objects.filter(customer=customer).values_list("pk", flat=True))
    events = audit_event_list_concerning(
        actor=customer,
        objects=[
            ("accounts.user", [customer.pk]),
            ("accounts.account", account_ids),
            *_audited_by_others(customer),
        ],
        limit=RECENT_EVENTS,
    )
    rows = [
        (
            link(reverse("admin:audit_auditevent_change", args=[event.pk]), when(event.occurred_at)),
            event.action,
            event.actor_label or "-",
            f"{event.object_type} {event.object_id}".strip() or "-",
        )
        for event in events
    ]
    everything = link(
        f"{reverse('admin:audit_auditevent_changelist')}?{urlencode({'q': customer.email})}",
        "their events as actor",
    )
    return format_html("{}<p>All of {}.</p>", table(["when", "action", "actor", "object"], rows), everything)


def _audited_by_others(customer):
    return [reference for objects in _audited_objects for reference in objects(customer)]


customer_section_register(title="Accounts", order=10, render=_accounts)
customer_section_register(title="Recent audit events", order=90, render=_audit_events)
