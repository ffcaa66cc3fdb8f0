"""A webhook receiver on loopback for the tests: a real HTTP server in a thread that records
each request and answers as the test tells it to, or is down (its port closed)."""

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def verified(self, secret: str) -> dict:
        """The payload, once its signature is checked with the standardwebhooks library."""
        return Webhook(secret).verify(self.body, self.headers)


@dataclass
class Receiver:
    port: int = 0
    status: int = 200
    answer: bytes = b"ok"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0
    received: list[Received] = field(default_factory=list)
    arrived: list[str] = field(default_factory=list)  # webhook-ids, as each request comes in
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks/bankcore"

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.arrived.append(self.headers.get("webhook-id", ""))
                if receiver.delay:
                    threading.Event().wait(receiver.delay)
                receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                self.send_response(receiver.status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(receiver.answer)))
                self.end_headers()
                self.wfile.write(receiver.answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Down: the port refuses connections until ``start`` again."""
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None
