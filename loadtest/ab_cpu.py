"""One endpoint's CPU per request in two checkouts, measured in alternating batches.

    git worktree add ../bankcore-before <commit>          # the code to compare against
    .venv/bin/python loadtest/ab_cpu.py ../bankcore-before . "POST /api/transfers" \\
        [--customers var/loadtest/<run>/customers.json] [--batches 30] [--per-batch 10]

A machine shared with others is not equally fast from one minute to the next (here a fixed
Python loop took 0.43 s in one minute and 0.99 s a few minutes later), so two runs one
after the other compare the machine's minutes, not the code. This starts one process per
checkout, each loading its own code (``profile_mix``'s driver and mix: bankcore's WSGI
application in the process, production settings, the load test's database and Redis, a
few signed-in customers of its own), and asks them in turn for a batch of the same
request, the order of each pair alternating. Each batch's CPU per request is the process's
own CPU time across it; the verdict is the median of the pairs' ratios (after / before),
with its interquartile range.

Both processes use ``make loadtest``'s seeded database (LOADTEST_DATABASE_URL,
LOADTEST_REDIS_URL, as ``profile_mix.py``). Both sides sign in the same customers by
default (``--offsets``): a history page or an account list costs what the customer's rows
cost, so a read is compared on the same customers. A customer's wires count against the
bank's daily limits: for wires give each side customers of its own (``--offsets 500,520``)
and move on to others between runs.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def serve(tree: Path, customers_file: Path, offset: int) -> None:
    """The process of one checkout: sign in, then answer "NAME COUNT" lines on stdin with
    the CPU milliseconds per request of COUNT requests of NAME."""
    os.chdir(tree)
    sys.path.insert(0, str(tree))
    from loadtest import profile_mix

    profile_mix.configure()
    import django

    django.setup()
    seeded = json.loads(customers_file.read_text())
    everyone = [a for c in seeded["customers"] for a in c["accounts"]]
    driver = profile_mix.Driver()
    sessions = []
    for customer in seeded["customers"][offset : offset + 8]:
        status, content = driver.call(
            "POST", "/api/auth/login", body={"email": customer["email"], "password": seeded["password"]}
        )
        if status != 200:
            raise SystemExit(
                f"login failed: {status} {content[:200]!r} (is --customers the customers.json of "
                "the load run that seeded the database last?)"
            )
        own = {a["id"] for a in customer["accounts"]}
        others = [a for a in everyone if a["id"] not in own][:50]
        mix = profile_mix.mix(driver, customer, json.loads(content)["token"], others)
        sessions.append({name: (send, expected) for name, _, send, expected in mix})
    print("ready", flush=True)
    sent = 0
    for line in sys.stdin:
        name, count = line.rstrip("\n").rsplit(" ", 1)
        spent = 0.0
        for _ in range(int(count)):
            send, expected = sessions[sent % len(sessions)][name]
            sent += 1
            started = time.process_time()
            status, content = send()
            spent += time.process_time() - started
            if status != expected:
                raise SystemExit(f"{name}: {status} {content[:300]!r}")
        print(spent * 1000 / int(count), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("before", type=Path, help="the checkout to compare against")
    parser.add_argument("after", type=Path, help="the checkout with the change")
    parser.add_argument("endpoint", help='a name from profile_mix.mix, e.g. "POST /api/transfers"')
    parser.add_argument(
        "--customers",
        type=Path,
        help="the customers.json of the load run that seeded the database last (default: the newest here)",
    )
    parser.add_argument("--batches", type=int, default=30)
    parser.add_argument("--per-batch", type=int, default=10)
    parser.add_argument("--offsets", default="600,600", help="where each side's customers start")
    parser.add_argument("--serve", nargs=2, metavar=("TREE", "OFFSET"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.batches < 2:
        parser.error("--batches: at least 2 (the verdict is a median with its quartiles)")
    customers = options.customers or max(
        (ROOT / "var/loadtest").glob("*/customers.json"), key=lambda p: p.stat().st_mtime, default=None
    )
    if customers is None:
        raise SystemExit("no customers.json: run `make loadtest` first, or pass --customers")
    if options.serve:
        serve(Path(options.serve[0]).resolve(), customers.resolve(), int(options.serve[1]))
        return
    sides = []
    for tree, offset in zip((options.before, options.after), options.offsets.split(","), strict=True):
        command = [sys.executable, __file__, str(tree), str(tree), options.endpoint]
        command += ["--customers", str(customers.resolve()), "--serve", str(tree.resolve()), offset]
        # This interpreter and this file, with the caller's own arguments.
        sides.append(subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True))  # noqa: S603
    for side in sides:
        if side.stdout.readline().strip() != "ready":
            raise SystemExit("a side did not start")

    def batch(side) -> float:
        side.stdin.write(f"{options.endpoint} {options.per_batch}\n")
        side.stdin.flush()
        answer = side.stdout.readline()
        if not answer:
            raise SystemExit("a side stopped; its own message is above")
        return float(answer)

    for side in sides:  # warm-up, not counted
        batch(side)
    results: list[list[float]] = [[], []]
    for number in range(options.batches):
        for index in (0, 1) if number % 2 == 0 else (1, 0):
            results[index].append(batch(sides[index]))
    for side in sides:
        side.stdin.close()
        side.wait()
    ratios = [after / before for before, after in zip(*results, strict=True)]
    quartiles = statistics.quantiles(ratios, n=4)
    trees = (options.before, options.after)
    for label, tree, values in zip(("before", "after"), trees, results, strict=True):
        print(f"{label:<7} {tree!s:<40} median {statistics.median(values):7.3f} ms of CPU per request")
    print(
        f"after / before, per pair of batches: median {statistics.median(ratios):.3f} "
        f"(interquartile {quartiles[0]:.3f}-{quartiles[2]:.3f}; {options.batches} pairs of "
        f"{options.per_batch} {options.endpoint})"
    )


if __name__ == "__main__":
    main()
