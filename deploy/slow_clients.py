"""Slow clients against bankcore: through HAProxy (deploy/haproxy/haproxy.cfg), then, as the
control, against gunicorn directly (`make slow-clients`).

It starts gunicorn (gunicorn.conf.py, production settings: DEBUG off, SQLite in a temporary
directory; 2 workers x 8 threads, not production's 8 x 1: the control's 16 threads) and
HAProxy on free loopback ports, then in each phase opens
32 connections that trickle a request one byte a second (16 their headers, 16 a JSON body
after whole headers) while /health is asked twice a second. Through HAProxy, /health must
answer within a second every time; straight at gunicorn the same 32 connections hold all of
its threads and /health goes unanswered. Then three checks of the proxy's edges: a body over
the upload limit is refused with a 413 before gunicorn sees it, and neither HAProxy's log nor
gunicorn's access log holds a query string.

Everything is on 127.0.0.1, every loop is bounded, and both servers are stopped at the end.
Exits 1 when the proxy lets a probe wait or a check fails. Needs haproxy on the PATH
(apt-get install haproxy) and the app's virtualenv (.venv, or VENV=...).
"""

import argparse
import http.client
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOOPBACK = "127.0.0.1"
SLOW_CLIENTS = 32
PROBE_EVERY = 0.5
PROBE_TIMEOUT = 2.0
ANSWER_WITHIN = 1.0
# HAProxy's `timeout http-request` is 10 s: through it, the trickle outlasts that, so the
# proxy's answer to the slow clients shows too. Straight at gunicorn a few seconds show enough.
PROXIED_SECONDS = 11
DIRECT_SECONDS = 6
HEADER_TRICKLE = b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 200
BODY_HEADERS = (
    b"POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
    b"Content-Length: 2048\r\n\r\n"
)
SECRET_QUERY = "national_id=ZX48151623"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


def health(port: int, *, timeout: float, path: str = "/health") -> tuple[int | None, float]:
    """(status or None when no answer came within ``timeout``, seconds taken)."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection(LOOPBACK, port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "localhost"})
        status = connection.getresponse().status
    except OSError:
        status = None
    finally:
        connection.close()
    return status, time.perf_counter() - start


def wait_until_healthy(port: int, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if health(port, timeout=1.0)[0] == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"nothing answered /health on {LOOPBACK}:{port} within {seconds:.0f} s")


@dataclass
class Trickle:
    """One slow client: what it still has to send, one byte a tick."""

    sock: socket.socket
    pending: bytes
    closed_after: float | None = None
    answer: bytes = b""


@dataclass
class Phase:
    name: str
    probes: list[tuple[int | None, float]] = field(default_factory=list)
    slow: list[Trickle] = field(default_factory=list)

    @property
    def answered_in_time(self) -> int:
        return sum(1 for status, seconds in self.probes if status == 200 and seconds < ANSWER_WITHIN)

    @property
    def unanswered(self) -> int:
        return sum(1 for status, _ in self.probes if status is None)

    def summary(self) -> str:
        slowest = max(seconds for _, seconds in self.probes)
        cut = [client for client in self.slow if client.closed_after is not None]
        statuses = sorted({client.answer.split(b" ", 2)[1].decode() for client in cut if client.answer})
        cut_text = f"{len(cut)}/{len(self.slow)}"
        if cut:
            after = [client.closed_after for client in cut]
            cut_text += f" after {min(after):.1f}-{max(after):.1f} s"
            cut_text += f" ({', '.join(statuses) or 'closed'})"
        return (
            f"{self.name:<18} {len(self.probes):>6} {self.answered_in_time:>14} {self.unanswered:>14}"
            f" {slowest:>10.3f} s   {cut_text}"
        )


def open_slow_clients(port: int) -> list[Trickle]:
    clients = []
    for number in range(SLOW_CLIENTS):
        sock = socket.create_connection((LOOPBACK, port), timeout=2)
        if number % 2:
            # Whole headers, then the body a byte at a time.
            sock.sendall(BODY_HEADERS)
            clients.append(Trickle(sock, b"{" + b" " * 2046 + b"}"))
        else:
            clients.append(Trickle(sock, HEADER_TRICKLE))
        sock.setblocking(False)
    return clients


def trickle(clients: list[Trickle], *, seconds: int) -> None:
    """One byte to every client each second, for ``seconds``; notes who was cut off, when."""
    start = time.monotonic()
    for tick in range(seconds):
        for client in clients:
            if client.closed_after is not None:
                continue
            try:
                answer = client.sock.recv(4096)
            except BlockingIOError:
                answer = None
            except OSError:
                answer = b""
            if answer is None:
                try:
                    client.sock.send(client.pending[tick : tick + 1])
                    continue
                except OSError:
                    answer = b""
            # An answer (a 408) or a closed connection: the server gave up on this client.
            client.answer += answer
            client.closed_after = time.monotonic() - start
        time.sleep(max(0.0, start + tick + 1 - time.monotonic()))
    for client in clients:  # what the servers did in the last second
        if client.closed_after is None:
            try:
                client.answer += client.sock.recv(4096)
            except BlockingIOError:
                continue
            except OSError:
                pass
            client.closed_after = time.monotonic() - start


def run_phase(name: str, port: int, *, seconds: int) -> Phase:
    phase = Phase(name)
    phase.slow = open_slow_clients(port)
    worker = threading.Thread(target=trickle, args=(phase.slow,), kwargs={"seconds": seconds})
    worker.start()
    time.sleep(1)  # every slow client has sent its first bytes
    while worker.is_alive():
        status, seconds = health(port, timeout=PROBE_TIMEOUT)
        phase.probes.append((status, seconds))
        time.sleep(max(0.0, PROBE_EVERY - seconds))
    worker.join()
    for client in phase.slow:
        client.sock.close()
    return phase


def over_limit_refused(port: int) -> bool:
    """A body above the upload limit is answered 413 from its headers alone."""
    with socket.create_connection((LOOPBACK, port), timeout=5) as sock:
        sock.sendall(
            b"POST /api/kyc/documents HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data;"
            b" boundary=x\r\nContent-Length: 20000000\r\n\r\n"
        )
        return sock.recv(64).startswith(b"HTTP/1.1 413")


def environment(workdir: Path) -> dict:
    from_outside = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return {
        **from_outside,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost",
        "SECURE_SSL_REDIRECT": "false",
        "TRUSTED_PROXY_COUNT": "1",
        "SQLITE_PATH": str(workdir / "bankcore.sqlite3"),
        "KYC_DOCUMENT_ROOT": str(workdir / "kyc"),
        "KYC_LOOKUP_KEY": secrets.token_urlsafe(32),
        "PROMETHEUS_MULTIPROC_DIR": str(workdir / "prometheus"),
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "8",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--venv", default=os.environ.get("VENV", str(ROOT / ".venv")))
    options = parser.parse_args()
    app_port, proxy_port = free_port(), free_port()
    failures = []
    with tempfile.TemporaryDirectory(prefix="bankcore-slow-clients-") as directory:
        workdir = Path(directory)
        env = environment(workdir)
        gunicorn_log = (workdir / "gunicorn.log").open("w")
        haproxy_log = (workdir / "haproxy.log").open("w")
        servers = [
            subprocess.Popen(
                [f"{options.venv}/bin/gunicorn", "-c", "gunicorn.conf.py", "bankcore.wsgi"],
                cwd=ROOT,
                env={**env, "GUNICORN_BIND": f"{LOOPBACK}:{app_port}"},
                stdout=gunicorn_log,
                stderr=subprocess.STDOUT,
            ),
            subprocess.Popen(
                ["haproxy", "-db", "-f", str(ROOT / "deploy/haproxy/haproxy.cfg")],
                env={
                    **env,
                    "BANKCORE_PROXY_BIND": f"{LOOPBACK}:{proxy_port}",
                    "BANKCORE_APP_SERVER": f"{LOOPBACK}:{app_port}",
                },
                stdout=haproxy_log,
                stderr=subprocess.STDOUT,
            ),
        ]
        try:
            wait_until_healthy(app_port, seconds=60)
            wait_until_healthy(proxy_port, seconds=15)
            print(
                f"{SLOW_CLIENTS} slow clients (half trickling headers, half a body), a byte a second:"
                f" {PROXIED_SECONDS} s through HAProxy, {DIRECT_SECONDS} s straight at gunicorn;\n"
                f"/health asked every {PROBE_EVERY} s with a {PROBE_TIMEOUT:.0f} s timeout;"
                f" gunicorn 2 workers x 8 threads on {LOOPBACK}:{app_port}, HAProxy on :{proxy_port}\n"
            )
            header = ("", "probes", "answered < 1 s", "no answer", "slowest")
            print("{:<18} {:>6} {:>14} {:>14} {:>12}   slow clients cut off".format(*header))
            proxied = run_phase("through HAProxy", proxy_port, seconds=PROXIED_SECONDS)
            print(proxied.summary(), flush=True)
            direct = run_phase("gunicorn directly", app_port, seconds=DIRECT_SECONDS)
            print(direct.summary(), flush=True)
            if proxied.answered_in_time != len(proxied.probes):
                failures.append("through HAProxy, /health did not always answer within a second")
            if direct.answered_in_time == len(direct.probes):
                print("note: gunicorn alone was not starved this time: the comparison shows nothing")

            if not over_limit_refused(proxy_port):
                failures.append("a body over the upload limit was not refused with a 413")
            health(proxy_port, timeout=5, path=f"/health?{SECRET_QUERY}")
            time.sleep(0.5)  # both servers write their log line after the response
            for name, log in (("HAProxy's log", haproxy_log), ("gunicorn's access log", gunicorn_log)):
                log.flush()
                text = Path(log.name).read_text()
                if "/health" not in text or SECRET_QUERY in text:
                    failures.append(f"{name} holds the query string (or no request at all)")
            print(
                "\n413 for a body over the upload limit, no query string in either log: "
                + ("yes" if not failures else "NO")
            )
        finally:
            for server in servers:
                server.terminate()
            for server in servers:
                try:
                    server.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
            gunicorn_log.close()
            haproxy_log.close()
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
