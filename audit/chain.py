"""The audit hash chain: the bytes each event's hash is made over, and the hash itself.

The bytes are built here, from the row's values as Python reads them: JSON with sorted keys,
no insignificant whitespace and one timestamp format, so they never depend on how a
database lays out ``jsonb`` or prints a time. Each hash covers the event, its sequence
number and the previous event's hash; changing, removing or reordering a sealed event
breaks the link after it.
"""

import hashlib
import json
from datetime import UTC, datetime

# Bumped if the bytes ever change; a verifier must then know both forms.
CANONICAL_VERSION = "bankcore-audit-v1"
GENESIS_HASH = "0" * 64

# The fields each hash covers, as the row holds them (``hash`` itself excepted).
CHAINED_FIELDS = (
    "id",
    "occurred_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "before",
    "after",
    "ip_address",
    "user_agent",
    "request_id",
    "client_request_id",
    "sequence",
    "previous_hash",
)


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_bytes(event: dict) -> bytes:
    """The bytes hashed for one event, given its ``CHAINED_FIELDS`` as the ORM reads them."""
    body = {name: event[name] for name in CHAINED_FIELDS}
    body["occurred_at"] = _timestamp(body["occurred_at"])
    text = json.dumps(
        {"v": CANONICAL_VERSION, "event": body},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return text.encode("utf-8")


def event_hash(event: dict) -> str:
    """SHA-256, in hex, of the event's canonical bytes (sequence and previous hash included)."""
    return hashlib.sha256(canonical_bytes(event)).hexdigest()
