import os
import socket

from django.core.management.base import BaseCommand, CommandError

from bankcore.backoffice.webhooks import endpoint_add, endpoint_disable, endpoint_secret_rotate
from bankcore.errors import NotPermitted
from bankcore.models import DeliveryState, WebhookEndpoint
from bankcore.webhooks.dispatch import endpoint_deliver, endpoints_due
from bankcore.webhooks.relay import relay


class Command(BaseCommand):
    help = (
        "Webhook endpoints: add one (prints its id and its secret, shown this once), list them, "
        "disable one, give one a new secret, or relay and deliver what is due now (without a "
        "worker). Every change is audited."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        add = commands.add_parser("add", help="Register an endpoint; it receives events made from now on.")
        add.add_argument("url")
        add.add_argument("--events", default="", help="Comma-separated event types (default: every type).")
        add.add_argument("--description", default="")
        commands.add_parser("list", help="Every endpoint, with its deliveries pending and failed.")
        disable = commands.add_parser("disable", help="Send the endpoint nothing more.")
        disable.add_argument("id", type=int)
        rotate = commands.add_parser("rotate", help="A new secret; the old one also signs for a day.")
        rotate.add_argument("id", type=int)
        commands.add_parser("deliver", help="Relay new events and send every due delivery, in this process.")

    def handle(self, *args, command, **options):
        try:
            getattr(self, f"_{command}")(**options)
        except NotPermitted as exc:
            raise CommandError(str(exc)) from None

    def _endpoint(self, id: int) -> WebhookEndpoint:
        endpoint = WebhookEndpoint.objects.filter(pk=id).first()
        if endpoint is None:
            raise CommandError(f"No webhook endpoint {id}.")
        return endpoint

    def _add(self, *, url, events, description, **options):
        types = [name.strip() for name in events.split(",") if name.strip()]
        registered = endpoint_add(url=url, event_types=types, description=description)
        self.stdout.write(f"endpoint {registered.endpoint.pk}\nsecret {registered.secret}")
        self.stderr.write("The secret is shown this once: give it to the receiver now.")

    def _list(self, **options):
        for endpoint in WebhookEndpoint.objects.order_by("pk"):
            deliveries = endpoint.deliveries
            pending = deliveries.filter(state=DeliveryState.PENDING).count()
            failed = deliveries.filter(state=DeliveryState.FAILED).count()
            types = ",".join(endpoint.event_types) or "every type"
            state = "enabled" if endpoint.enabled else "disabled"
            self.stdout.write(
                f"{endpoint.pk}\t{state}\t{endpoint.url}\t{types}\tpending {pending}\tfailed {failed}"
            )

    def _disable(self, *, id, **options):
        endpoint = endpoint_disable(endpoint=self._endpoint(id))
        self.stdout.write(f"endpoint {endpoint.pk} disabled")

    def _rotate(self, *, id, **options):
        registered = endpoint_secret_rotate(endpoint=self._endpoint(id))
        until = registered.endpoint.previous_secret_until.isoformat()
        self.stdout.write(f"endpoint {registered.endpoint.pk}\nsecret {registered.secret}")
        self.stderr.write(f"The secret is shown this once; the previous one also signs until {until}.")

    def _deliver(self, **options):
        made = relay()
        sent = failed = 0
        owner = f"cli {socket.gethostname()} {os.getpid()}"[:64]  # this process's runs, no other's
        for endpoint_id in endpoints_due():
            run = endpoint_deliver(endpoint_id, owner=owner)
            sent, failed = sent + run.sent, failed + run.failed
        self.stdout.write(f"{made} deliveries made, {sent} sent, {failed} failed")
