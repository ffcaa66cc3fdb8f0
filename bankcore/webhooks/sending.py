"""One delivery's request: the event's body signed with the endpoint's secrets (Standard
Webhooks: ``webhook-id``, ``webhook-timestamp``, ``webhook-signature``), POSTed to the
address the target check pinned, with short timeouts, no redirects followed and no more of
the answer read than is kept."""

import base64
import contextlib
import secrets
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime

import urllib3
from standardwebhooks import Webhook

from bankcore.models import WebhookAttempt, WebhookEndpoint
from bankcore.webhooks.targets import Target

CONNECT_SECONDS = 3
READ_SECONDS = 5
# The most an attempt takes, whatever the endpoint does: urllib3's read timeout counts each
# read alone, and an endpoint that trickles its answer a byte at a time would never reach it.
ATTEMPT_SECONDS = 10
USER_AGENT = "bankcore-webhooks/1"


def secret_new() -> str:
    """A Standard Webhooks secret: ``whsec_`` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def signing_secrets(endpoint: WebhookEndpoint, *, now: datetime) -> list[str]:
    """The secrets that sign now: the endpoint's, and the one it replaced while the overlap
    after a rotation lasts."""
    keys = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_until and now < endpoint.previous_secret_until:
        keys.append(endpoint.previous_secret)
    return keys


def signed_headers(*, keys: list[str], message_id: str, timestamp: datetime, body: bytes) -> dict[str, str]:
    signatures = [Webhook(key).sign(msg_id=message_id, timestamp=timestamp, data=body) for key in keys]
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": " ".join(signatures),
    }


@dataclass(frozen=True)
class Answer:
    """What one attempt got: the status and the start of the body, or why there was none.
    ``endpoint_down``: no answer, or one that says to come back later (5xx, 429): the run
    stops there rather than wait on the endpoint once more for each delivery."""

    succeeded: bool
    duration_ms: int
    status_code: int | None = None
    response: str = ""
    error: str = ""

    @property
    def endpoint_down(self) -> bool:
        return self.status_code is None or self.status_code >= 500 or self.status_code == 429


def _watched(base: type, sender: "Sender") -> type:
    """``base``, telling ``sender`` which connection sends, so that its watchdog can cut it."""

    class Watched(base):
        def request(self, *args, **kwargs):
            sender.sending = self
            return super().request(*args, **kwargs)

    return Watched


class Sender:
    """The connection of one delivery run to one checked target (kept alive between its
    deliveries when the endpoint lets it). Each attempt ends within ATTEMPT_SECONDS: a
    watchdog shuts the connection's socket at the deadline."""

    def __init__(self, target: Target):
        self.target = target
        self.sending = None
        self.cut = False
        timeout = urllib3.Timeout(connect=CONNECT_SECONDS, read=READ_SECONDS)
        if target.scheme == "https":
            self.pool = urllib3.HTTPSConnectionPool(
                target.address,
                target.port,
                timeout=timeout,
                retries=False,
                maxsize=1,
                ssl_context=ssl.create_default_context(),
                server_hostname=target.host,
                assert_hostname=target.host,
            )
        else:
            self.pool = urllib3.HTTPConnectionPool(
                target.address, target.port, timeout=timeout, retries=False, maxsize=1
            )
        self.pool.ConnectionCls = _watched(self.pool.ConnectionCls, self)

    def _cut(self) -> None:
        self.cut = True
        sock = getattr(self.sending, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def post(self, *, body: bytes, headers: dict[str, str]) -> Answer:
        headers = {
            "Host": self.target.host_header,
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            **headers,
        }
        started = time.perf_counter()
        self.cut = False
        watchdog = threading.Timer(ATTEMPT_SECONDS, self._cut)
        watchdog.start()
        try:
            response = self.pool.urlopen(
                "POST",
                self.target.path,
                body=body,
                headers=headers,
                redirect=False,
                preload_content=False,
                assert_same_host=False,
            )
            try:
                kept = response.read(WebhookAttempt.RESPONSE_KEPT, decode_content=False)
            finally:
                # The rest of a long answer is not read: the connection goes with it.
                if response.length_remaining == 0:
                    response.release_conn()
                else:
                    response.close()
        except Exception as exc:  # whatever the endpoint did, it is a failed attempt, recorded
            if self.cut:
                return Answer(False, _ms(started), error=f"no answer within {ATTEMPT_SECONDS} s")
            return Answer(succeeded=False, duration_ms=_ms(started), error=_reason(exc))
        finally:
            watchdog.cancel()
        if self.cut:  # an answer cut short may still parse (headers end at the closed socket)
            return Answer(False, _ms(started), error=f"no answer within {ATTEMPT_SECONDS} s")
        status = response.status
        # Kept as text PostgreSQL takes: no NUL.
        text = kept.decode("utf-8", "replace").replace("\x00", "\ufffd")[: WebhookAttempt.RESPONSE_KEPT]
        error = "redirects are not followed" if 300 <= status < 400 else ""
        return Answer(
            succeeded=200 <= status < 300,
            duration_ms=_ms(started),
            status_code=status,
            response=text,
            error=error,
        )

    def close(self) -> None:
        self.pool.close()


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _reason(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None) or exc
    return f"{type(reason).__name__}: {reason}".replace("\x00", "")[:200]
