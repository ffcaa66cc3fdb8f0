"""No money row without its audit event: check what a load run wrote.

    DATABASE_URL=... SECRET_KEY=... python loadtest/audit_coverage.py --since 2026-11-26T03:00:00+00:00

Every posting written since ``--since`` must belong to a transfer or to a wire's hold or
release, and each of those must have
its audit event (transfer.created; wire.created, and wire.sent once released). Prints the
counts and the first offenders; exits 1 on any. loadtest/run.py runs it after the load.
"""

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bankcore.settings")

import django

django.setup()

from accounts.models import Posting  # noqa: E402
from audit import actions  # noqa: E402
from audit.selectors import audit_object_ids  # noqa: E402
from transfers.models import Transfer, WireTransfer  # noqa: E402


def audited(action: str, object_type: str, since: datetime) -> set[str]:
    return audit_object_ids(action=action, object_type=object_type, since=since)


def check(since: datetime) -> list[str]:
    problems = []
    postings = dict(Posting.objects.filter(created_at__gte=since).values_list("id", "kind"))
    explained: set[int] = set()

    transfers = dict(Transfer.objects.filter(created_at__gte=since).values_list("id", "posting_id"))
    explained |= set(transfers.values())
    without_event = sorted(
        set(map(str, transfers)) - audited(actions.TRANSFER_CREATED, "transfers.transfer", since)
    )
    print(f"transfers: {len(transfers)}, without a {actions.TRANSFER_CREATED} event: {len(without_event)}")
    if without_event:
        problems.append(f"transfers without their audit event: {', '.join(without_event[:20])}")

    wires = list(
        WireTransfer.objects.filter(created_at__gte=since).values_list(
            "id", "hold_posting_id", "release_posting_id"
        )
    )
    explained |= {hold for _, hold, _ in wires} | {release for _, _, release in wires if release}
    created = audited(actions.WIRE_CREATED, "transfers.wiretransfer", since)
    sent = audited(actions.WIRE_SENT, "transfers.wiretransfer", since)
    no_created = sorted(str(pk) for pk, _, _ in wires if str(pk) not in created)
    no_sent = sorted(str(pk) for pk, _, release in wires if release and str(pk) not in sent)
    print(
        f"wires: {len(wires)}, without {actions.WIRE_CREATED}: {len(no_created)}, "
        f"released without {actions.WIRE_SENT}: {len(no_sent)}"
    )
    if no_created or no_sent:
        problems.append(f"wires without their audit events: {', '.join((no_created + no_sent)[:20])}")

    orphans = sorted(pk for pk in postings if pk not in explained)
    print(f"postings: {len(postings)}, belonging to nothing the run made: {len(orphans)}")
    if orphans:
        kinds = ", ".join(f"{pk} ({postings[pk]})" for pk in orphans[:20])
        problems.append(f"postings that belong to no audited movement: {kinds}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--since", required=True, type=datetime.fromisoformat, help="ISO time the load began")
    problems = check(parser.parse_args().since)
    for problem in problems:
        print(f"BREACH: {problem}")
    if problems:
        raise SystemExit(1)
    print("audit coverage: every money row written by the run has its audit event.")


if __name__ == "__main__":
    main()
