import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from prometheus_client.parser import text_string_to_metric_families


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_caches_at(url: str, *, timeout: float = 0.5) -> dict:
    """CACHES as production builds them for REDIS_URL, pointed at ``url``."""
    options = {"SOCKET_CONNECT_TIMEOUT": timeout, "SOCKET_TIMEOUT": timeout}
    return {
        **settings.CACHES,
        "default": {
            "BACKEND": "bankcore.cache_backends.ResilientRedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        },
        "throttle": {
            "BACKEND": "bankcore.cache_backends.TimedRedisCache",
            "LOCATION": url,
            "OPTIONS": options,
        },
    }


def run_without_database(script: str) -> dict:
    """Run ``script`` in a real process whose DATABASE_URL points where no PostgreSQL
    listens (and no Redis is set); return the JSON it printed last."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bankcore.settings",
        "DATABASE_URL": f"postgres://bankcore@127.0.0.1:{free_port()}/bankcore",
        "DB_POOL_TIMEOUT": "1",
        "DB_CONNECT_TIMEOUT": "1",
        "SECRET_KEY": "outage-test-secret-key",
        "ALLOWED_HOSTS": "testserver",
        "SECURE_SSL_REDIRECT": "false",
        # Its metrics stay its own: the suite's process would otherwise add up the dead
        # process's pool gauges with its own.
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="bankcore-outage-metrics-"),
    }
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def scrape(client, **headers) -> dict:
    """{(sample name, frozenset of labels): value} from /metrics, read from an allowed address."""
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


# Characters that draw nothing, draw a blank, or draw whatever a font makes of them: each was
# taken into descriptions, names and beneficiary names and shown unchanged in the back office.
INVISIBLE = {
    "combining grapheme joiner U+034F": "Pu\u034ftin",
    "variation selector-16 U+FE0F": "Putin\ufe0f",
    "Mongolian free variation selector U+180B": "Pu\u180btin",
    "variation selector-17 U+E0100": "Putin\U000e0100",
    "Hangul filler U+3164": "Putin \u3164",
    "Hangul choseong filler U+115F": "\u115fPutin",
    "Braille blank U+2800": "Vladimir\u2800Putin",
    "zero-width joiner U+200D": "Pu\u200dtin",
    "zero-width non-joiner U+200C": "Pu\u200ctin",
    "word joiner U+2060": "Pu\u2060tin",
    "soft hyphen U+00AD": "Pu\u00adtin",
    "private use U+E000": "Putin\ue000",
    "noncharacter U+FFFF": "Putin\uffff",
    "unassigned U+0378": "Putin\u0378",
}


STACKED = "Z" + "\u0336\u0334\u0335\u0337" * 15 + "algo"


TEXT_SUFFIXES = {
    ".py",
    ".md",
    ".yml",
    ".yaml",
    ".toml",
    ".cfg",
    ".txt",
    ".json",
    ".html",
    ".sh",
    ".lua",
    ".ini",
    ".csv",
}


TEXT_NAMES = {"Makefile", "run", "fuzz", "Dockerfile", ".gitignore"}


def _git_files(root: Path) -> list[Path] | None:
    git = shutil.which("git")
    if git is None:
        return None
    listed = subprocess.run([git, "ls-files", "-z"], cwd=root, capture_output=True, timeout=60)
    if listed.returncode != 0:
        return None  # not a checkout
    return [root / name for name in listed.stdout.decode().split("\0") if name]


def tracked_text_files(root: Path) -> list[Path]:
    """The repository's text files: git's list when it is a checkout, else a walk of it."""
    candidates = _git_files(root)
    if candidates is None:
        candidates = [
            path
            for path in root.rglob("*")
            if not any(part.startswith(".") and part != ".ci" for part in path.relative_to(root).parts)
        ]
    return [
        path
        for path in candidates
        if path.is_file() and (path.suffix in TEXT_SUFFIXES or path.name in TEXT_NAMES)
    ]


ROOT = Path(settings.BASE_DIR)


def section(page: str, title: str) -> str:
    text = (ROOT / page).read_text()
    return text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def table_rows(text: str) -> list[list[str]]:
    """The cells of every table row whose first cell is a name in backticks."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        for line in text.splitlines()
        if re.match(r"\| `[^`]+` \|", line)
    ]


def unquote(cell: str) -> str:
    assert re.fullmatch(r"`[^`]*`", cell), f"not one value in backticks: {cell!r}"
    return cell[1:-1]


# ---- Queries per request (docs/api.md) --------------------------------------------------------
# Each documented row, made in the state it names: a function that prepares the state and
# returns the request to count.


def _me_cold(fixtures):
    client = fixtures["bearer_client"](fixtures["customer"])
    return lambda: client.get("/api/auth/me")


def _me_warm(fixtures):
    client = fixtures["customer_client"]
    return lambda: client.get("/api/auth/me")


def _accounts_first(fixtures):
    fixtures["funded_account"](customer=fixtures["customer"], balance=10_00)
    client = fixtures["customer_client"]
    return lambda: client.get("/api/accounts")


def _balance_warm(fixtures):
    account = fixtures["funded_account"](customer=fixtures["customer"], balance=10_00)
    client = fixtures["customer_client"]
    assert client.get(f"/api/accounts/{account.pk}/balance").status_code == 200
    return lambda: client.get(f"/api/accounts/{account.pk}/balance")


def _history_any_page_size(fixtures):
    account = fixtures["funded_account"](customer=fixtures["customer"], balance=10_00)
    fixtures["funded_account"](customer=fixtures["customer"], balance=5_00)
    fixtures["transfer"](account, fixtures["funded_account"](), 1_00)
    client = fixtures["customer_client"]

    def two_page_sizes():
        # Counted separately: each page size is one read.
        return client.get("/api/transactions?page_size=1"), client.get("/api/transactions?page_size=50")

    return two_page_sizes


def _history_warm(fixtures):
    fixtures["funded_account"](customer=fixtures["customer"], balance=10_00)
    client = fixtures["customer_client"]
    assert client.get("/api/transactions").status_code == 200
    return lambda: client.get("/api/transactions")


def _kyc_status_warm(fixtures):
    client = fixtures["customer_client"]
    assert client.get("/api/kyc/status").status_code == 200
    return lambda: client.get("/api/kyc/status")


def _wire_stats_warm(fixtures):
    client = fixtures["customer_client"]
    assert client.get("/api/wire-transfers/stats").status_code == 200
    return lambda: client.get("/api/wire-transfers/stats")


def _events_any_page(fixtures):
    fixtures["funded_account"](customer=fixtures["customer"], balance=10_00)
    fixtures["funded_account"](customer=fixtures["customer"], balance=5_00)
    client = fixtures["customer_client"]

    def pages_and_filters():
        # Counted separately: each is one read.
        return (
            client.get("/api/events?page_size=1"),
            client.get("/api/events?type=deposit.posted&created_after=2026-01-01T00:00:00Z"),
        )

    return pages_and_filters


def _schema(fixtures):
    return lambda: fixtures["api_client"].get("/api/schema/")


def _metrics_scrape(fixtures):
    client = fixtures["client"]
    fixtures["funded_account"](balance=10_00)
    assert client.get("/metrics").status_code == 200  # the database's identity is read once
    return lambda: client.get("/metrics")


QUERY_COUNT_CASES = {
    ("GET /api/auth/me", "cold: the session read once"): (_me_cold, 1),
    ("GET /api/auth/me", "warm"): (_me_warm, 1),
    ("GET /api/accounts", "first read (session cached)"): (_accounts_first, 1),
    ("GET /api/accounts/{id}/balance", "warm"): (_balance_warm, 1),
    ("GET /api/transactions", "first read, any `page_size` (session cached)"): (_history_any_page_size, 2),
    ("GET /api/transactions", "warm first page"): (_history_warm, 1),
    ("GET /api/kyc/status", "warm"): (_kyc_status_warm, 1),
    ("GET /api/wire-transfers/stats", "warm"): (_wire_stats_warm, 1),
    ("GET /api/events", "any page, any filter (session cached)"): (_events_any_page, 2),
    ("GET /api/schema/", "any"): (_schema, 1),
    ("GET /metrics", "a scrape (after the first)"): (_metrics_scrape, 1),
}


def documented_query_counts() -> dict[tuple[str, str], int]:
    rows = table_rows(section("docs/api.md", "Queries per request"))
    return {(unquote(request), state): int(count) for request, state, count in rows}


# ---- A Redis server of a test's own -------------------------------------------------------------
REDIS_SERVER = shutil.which("redis-server")


class OwnRedis:
    def __init__(self, port: int):
        self.port = port
        self.process = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


def balance(client, account) -> str:
    response = client.get(f"/api/accounts/{account.pk}/balance")
    assert response.status_code == 200, response.content
    return response.json()["balance"]
