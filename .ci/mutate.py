"""Mutation testing of bankcore's money paths with cosmic-ray: `make mutate`.

For each module of .ci/mutate.toml, cosmic-ray changes one thing in the module's code at a
time (a `<` into a `<=`, a `-` into a `+`, a condition negated, a number moved by one) and
runs the module's tests against it. A mutant the tests catch is killed; one they miss
survived: a line that could be wrong without any test noticing. Survivors fail the run unless
.ci/mutate-equivalent.toml explains them (a mutant that behaves exactly as the original).

The mutants run in a copy of the checkout (var/mutate/tree), never in the checkout itself: a
mutated file left behind by an interrupted run can do no harm there. Sessions are kept in
var/mutate/<module>.sqlite, so an interrupted module resumes where it stopped (--resume).

Tests run with the app's virtualenv (.venv) on SQLite and local memory unless
MUTATE_DATABASE_URL (and MUTATE_REDIS_URL) name PostgreSQL (and Redis); on PostgreSQL the
test database is kept between mutants (--reuse-db), as no mutant touches the schema.

    .venv-mutate/bin/python .ci/mutate.py                      every module, every mutant
    .venv-mutate/bin/python .ci/mutate.py ledger approvals     those modules
    .venv-mutate/bin/python .ci/mutate.py --sample 6           6 mutants drawn with the fixed seed
    .venv-mutate/bin/python .ci/mutate.py --changed-since HEAD~1 --sample 5
                                                               CI: 5 mutants (fixed seed) of the
                                                               modules the last commit changed, code
                                                               or tests; none changed, nothing runs
    .venv-mutate/bin/python .ci/mutate.py --report             the last results, nothing run
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from cosmic_ray.ast import get_ast
from cosmic_ray.work_db import WorkDB, use_db
from cosmic_ray.work_item import WorkerOutcome, WorkResult

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".ci" / "mutate.toml"
EQUIVALENT = ROOT / ".ci" / "mutate-equivalent.toml"
WORK = ROOT / "var" / "mutate"
TREE = WORK / "tree"
APP_PYTHON = Path(os.environ.get("MUTATE_APP_PYTHON", ROOT / ".venv" / "bin" / "python"))

NOT_RUN = "not run"  # the output of a mutant left out by the operators, the noise or the sample


@dataclass
class Module:
    key: str
    paths: list[str]
    tests: list[str]
    # Functions only PostgreSQL runs (raw SQL paths): their mutants are left out on SQLite.
    postgresql_only: list[str] = field(default_factory=list)
    # pytest options for SQLite runs, e.g. --no-migrations where the tests need no migration's data.
    sqlite_pytest_options: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    killed: int = 0
    survived: int = 0
    timeout: int = 0
    incompetent: int = 0
    pending: int = 0
    explained: int = 0
    survivors: list[dict] = field(default_factory=list)


def load_config() -> tuple[dict, list[Module]]:
    config = tomllib.loads(CONFIG.read_text())
    modules = [
        Module(
            key,
            spec["paths"],
            spec["tests"],
            spec.get("postgresql_only", []),
            spec.get("sqlite_pytest_options", []),
        )
        for key, spec in config["modules"].items()
    ]
    for module in modules:
        for path in module.paths + module.tests:
            if not (ROOT / path).exists():
                sys.exit(f"mutate: {module.key} names {path}, which does not exist (.ci/mutate.toml)")
    return config, modules


def load_equivalent() -> list[dict]:
    entries = tomllib.loads(EQUIVALENT.read_text()).get("equivalent", []) if EQUIVALENT.exists() else []
    for entry in entries:
        missing = {"module", "line", "mutant", "reason"} - entry.keys()
        if missing or not entry["reason"].strip():
            sys.exit(
                f"mutate: an entry of {EQUIVALENT.name} lacks {sorted(missing) or ['a reason']}: {entry}"
            )
    return entries


def copy_tree() -> None:
    """The checkout's files (tracked and new, not ignored) into var/mutate/tree, afresh."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout.decode()
    if TREE.exists():
        shutil.rmtree(TREE)
    for name in filter(None, listed.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = TREE / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def changed_modules(modules: list[Module], since: str) -> list[Module]:
    """The modules whose code or tests changed since ``since`` (none if git cannot tell, as in
    a shallow clone without the commit)."""
    diff = subprocess.run(  # noqa: S603
        ["git", "diff", "--name-only", since, "--"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if diff.returncode != 0:
        print(f"mutate: no changes since {since} to go by ({diff.stderr.strip()})", flush=True)
        return []
    changed = set(diff.stdout.split())
    return [module for module in modules if changed & set(module.paths + module.tests)]


def test_environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}}
    if os.environ.get("MUTATE_DATABASE_URL"):
        env["DATABASE_URL"] = os.environ["MUTATE_DATABASE_URL"]
    if os.environ.get("MUTATE_REDIS_URL"):
        env["REDIS_URL"] = os.environ["MUTATE_REDIS_URL"]
    return env


def backend() -> str:
    return "postgresql" if os.environ.get("MUTATE_DATABASE_URL") else "sqlite"


def test_command(module: Module) -> str:
    options = ["-x", "-q", "--no-header", "-p", "no:randomly", "-p", "no:cacheprovider"]
    if backend() == "postgresql":
        options.append("--reuse-db")
    else:
        options += module.sqlite_pytest_options
    return shlex.join([str(APP_PYTHON), "-m", "pytest", *options, *module.tests])


def noise_positions(path: Path) -> set[tuple[int, int]]:
    """Where a mutant would be noise: inside a type annotation (evaluated at import or never)."""
    source = path.read_text()
    lines = source.splitlines()
    spans = []
    for node in ast.walk(ast.parse(source)):
        annotations = []
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args
            every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
            every += [arg for arg in (arguments.vararg, arguments.kwarg) if arg]
            annotations = [arg.annotation for arg in every if arg.annotation] + [node.returns]
        elif isinstance(node, ast.AnnAssign):
            annotations = [node.annotation]
        for annotation in filter(None, annotations):
            # ast counts columns in UTF-8 bytes, cosmic-ray (parso) in characters.
            start = (annotation.lineno, _characters(lines[annotation.lineno - 1], annotation.col_offset))
            end = (
                annotation.end_lineno,
                _characters(lines[annotation.end_lineno - 1], annotation.end_col_offset),
            )
            spans.append((start, end))
    return {(start, end) for start, end in spans}


def _characters(line: str, byte_offset: int) -> int:
    return len(line.encode()[:byte_offset].decode(errors="ignore"))


def is_noise(mutation, spans, tree) -> bool:
    position = tuple(mutation.start_pos)
    if any(start <= position < end for start, end in spans):
        return True
    # The bare `*` of keyword-only parameters is no multiplication.
    leaf = tree.get_leaf_for_position(position)
    return leaf is not None and leaf.value == "*" and leaf.parent.type == "parameters"


def session_path(module: Module) -> Path:
    return WORK / f"{module.key}.sqlite"


def session_config(module: Module, config: dict) -> Path:
    path = WORK / f"{module.key}.toml"
    lines = [
        "[cosmic-ray]",
        f"module-path = {json.dumps(module.paths)}",
        f"timeout = {float(config['run']['timeout'])}",
        "excluded-modules = []",
        f"test-command = {json.dumps(test_command(module))}",
        "",
        "[cosmic-ray.distributor]",
        'name = "local"',
        "",
    ]
    path.write_text("\n".join(lines))
    return path


def cosmic_ray(*arguments: str) -> None:
    binary = Path(sys.executable).parent / "cosmic-ray"
    subprocess.run([str(binary), *arguments], cwd=TREE, env=test_environment(), check=True)  # noqa: S603


def session_init(module: Module, config: dict) -> list:
    """A fresh session of the module's kept mutants; the work items to run."""
    cosmic_ray("init", str(session_config(module, config)), str(session_path(module)), "--force")
    keep = [re.compile(pattern) for pattern in config["operators"]["keep"]]
    noise = {path: noise_positions(TREE / path) for path in module.paths}
    trees = {path: get_ast((TREE / path).read_text()) for path in module.paths}
    left_out, wanted = [], []
    with use_db(str(session_path(module)), WorkDB.Mode.open) as db:
        for item in db.pending_work_items:
            mutation = item.mutations[0]
            path = str(mutation.module_path)
            kept = any(pattern.match(mutation.operator_name) for pattern in keep)
            if mutation.definition_name in module.postgresql_only and backend() != "postgresql":
                kept = False
            if kept and not is_noise(mutation, noise[path], trees[path]):
                wanted.append(item)
            else:
                left_out.append(item.job_id)
        db.set_multiple_results(left_out, WorkResult(output=NOT_RUN, worker_outcome=WorkerOutcome.SKIPPED))
    return wanted


def mutant_key(item) -> tuple:
    """A mutant's place, the same from one session to the next (job ids are random)."""
    mutation = item.mutations[0]
    return (str(mutation.module_path), mutation.operator_name, mutation.occurrence)


def leave_out(module: Module, job_ids: set[str]) -> None:
    with use_db(str(session_path(module)), WorkDB.Mode.open) as db:
        db.set_multiple_results(
            sorted(job_ids), WorkResult(output=NOT_RUN, worker_outcome=WorkerOutcome.SKIPPED)
        )


def rerun_survivors(module: Module) -> int:
    """Forget the results of the module's survivors, so that exec runs them again."""
    from cosmic_ray.work_db import WorkResultStorage

    with use_db(str(session_path(module)), WorkDB.Mode.open) as db, db._session_maker.begin() as session:
        survivors = session.query(WorkResultStorage).filter(WorkResultStorage.test_outcome == "survived")
        count = survivors.count()
        survivors.delete()
    return count


def baseline(module: Module, config: dict) -> None:
    """The module's tests must pass unmutated, or every mutant would look killed."""
    result = subprocess.run(  # noqa: S603
        shlex.split(test_command(module)),
        cwd=TREE,
        env=test_environment(),
        capture_output=True,
        text=True,
        timeout=float(config["run"]["timeout"]),
    )
    if result.returncode != 0:
        print(result.stdout[-4000:], result.stderr[-2000:])
        sys.exit(f"mutate: the tests of {module.key} fail without any mutant; fix them first")


def mutant_lines(mutation, diff: str | None) -> tuple[str, str]:
    """The changed line before and after, stripped: how the allow-list names a mutant."""
    source = (TREE / mutation.module_path).read_text().splitlines()
    before = source[mutation.start_pos[0] - 1].strip()
    removed = [
        line[1:].strip()
        for line in (diff or "").splitlines()
        if line.startswith("-") and not line.startswith("---")
    ]
    added = [
        line[1:].strip()
        for line in (diff or "").splitlines()
        if line.startswith("+") and not line.startswith("+++")
    ]
    after = (
        added[removed.index(before)]
        if before in removed and len(added) == len(removed)
        else " / ".join(added)
    )
    return before, after


def outcome_of(module: Module, equivalent: list[dict]) -> Outcome:
    outcome = Outcome()
    explained = {
        (entry["line"], entry["mutant"])
        for entry in equivalent
        if entry["module"] == module.key and entry.get("backend", backend()) == backend()
    }
    if not session_path(module).exists():
        return outcome
    with use_db(str(session_path(module)), WorkDB.Mode.open) as db:
        results = dict(db.results)
        for item in db.work_items:
            result = results.get(item.job_id)
            if result is not None and result.worker_outcome == WorkerOutcome.SKIPPED:
                continue
            if result is None:
                outcome.pending += 1
                continue
            mutation = item.mutations[0]
            if result.worker_outcome != WorkerOutcome.NORMAL or result.test_outcome == "incompetent":
                outcome.incompetent += 1
            elif result.test_outcome == "killed":
                if result.output == "timeout":
                    outcome.timeout += 1
                else:
                    outcome.killed += 1
            else:
                before, after = mutant_lines(mutation, result.diff)
                outcome.survived += 1
                if (before, after) in explained:
                    outcome.explained += 1
                else:
                    outcome.survivors.append(
                        {
                            "module": module.key,
                            "where": f"{mutation.module_path}:{mutation.start_pos[0]}",
                            "operator": mutation.operator_name,
                            "line": before,
                            "mutant": after,
                        }
                    )
    return outcome


def report(modules: list[Module], equivalent: list[dict]) -> int:
    header = (
        f"{'module':<14}{'run':>6}{'killed':>8}{'survived':>10}{'timeout':>9}{'errors':>8}{'explained':>11}"
    )
    print("\n" + header)
    unexplained = []
    summary = {}
    for module in modules:
        outcome = outcome_of(module, equivalent)
        run = outcome.killed + outcome.survived + outcome.timeout + outcome.incompetent
        pending = f"  ({outcome.pending} pending)" if outcome.pending else ""
        print(
            f"{module.key:<14}{run:>6}{outcome.killed:>8}{outcome.survived:>10}{outcome.timeout:>9}"
            f"{outcome.incompetent:>8}{outcome.explained:>11}{pending}"
        )
        unexplained += outcome.survivors
        summary[module.key] = {
            "killed": outcome.killed,
            "survived": outcome.survived,
            "timeout": outcome.timeout,
            "errors": outcome.incompetent,
            "explained": outcome.explained,
            "pending": outcome.pending,
        }
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "summary.json").write_text(json.dumps({"modules": summary, "unexplained": unexplained}, indent=2))
    if unexplained:
        print(f"\n{len(unexplained)} mutant(s) survived that .ci/mutate-equivalent.toml does not explain:")
        for survivor in unexplained:
            print(f"  [{survivor['module']}] {survivor['where']}  {survivor['operator']}")
            print(f"      line   = {json.dumps(survivor['line'])}")
            print(f"      mutant = {json.dumps(survivor['mutant'])}")
        print("Kill each with a test, or list it with the reason it cannot change behaviour.")
        return 1
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("modules", nargs="*", help="module keys of .ci/mutate.toml (default: all)")
    parser.add_argument("--sample", type=int, help="run only this many mutants, drawn with the fixed seed")
    parser.add_argument("--seed", type=int, help="the sample's seed (default: .ci/mutate.toml's)")
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="only the modules whose code or tests changed since REF; none changed, nothing runs",
    )
    parser.add_argument("--timeout", type=float, help="seconds per mutant (default: .ci/mutate.toml's)")
    parser.add_argument("--resume", action="store_true", help="finish the modules' pending mutants")
    parser.add_argument("--rerun-survivors", action="store_true", help="run the last survivors again")
    parser.add_argument("--report", action="store_true", help="print the last results, run nothing")
    arguments = parser.parse_args()

    config, modules = load_config()
    if arguments.timeout is not None:
        config["run"]["timeout"] = arguments.timeout
    equivalent = load_equivalent()
    if arguments.modules:
        unknown = set(arguments.modules) - {module.key for module in modules}
        if unknown:
            parser.error(
                f"unknown module(s) {sorted(unknown)}; .ci/mutate.toml has {[m.key for m in modules]}"
            )
        modules = [module for module in modules if module.key in arguments.modules]
    if arguments.changed_since:
        modules = changed_modules(modules, arguments.changed_since)
        if not modules:
            # Unchanged code against unchanged tests: its mutants fare as they did before.
            print(f"mutate: no money module or its tests changed since {arguments.changed_since}")
            return 0
    if arguments.report:
        return report(modules, equivalent)

    WORK.mkdir(parents=True, exist_ok=True)
    copy_tree()
    if arguments.rerun_survivors:
        for module in modules:
            print(f"==> {module.key}: {rerun_survivors(module)} survivors again", flush=True)
    elif not arguments.resume:
        wanted = {module.key: session_init(module, config) for module in modules}
        if arguments.sample is not None:
            pool = sorted(
                ((key, item) for key, items in wanted.items() for item in items),
                key=lambda pair: (pair[0], mutant_key(pair[1])),
            )
            seed = arguments.seed if arguments.seed is not None else config["run"]["seed"]
            print(f"==> sample of {arguments.sample} mutants, seed {seed}", flush=True)
            chosen = random.Random(seed).sample(pool, min(arguments.sample, len(pool)))  # noqa: S311
            for module in modules:
                kept = {item.job_id for key, item in chosen if key == module.key}
                leave_out(module, {item.job_id for item in wanted[module.key]} - kept)
                wanted[module.key] = [item for item in wanted[module.key] if item.job_id in kept]
            modules = [module for module in modules if wanted[module.key]]
        for module in modules:
            print(
                f"==> {module.key}: {len(wanted[module.key])} mutants of {', '.join(module.paths)}",
                flush=True,
            )
    for module in modules:
        session_config(module, config)  # the tests and timeout of now, for a resumed session too
        baseline(module, config)
        cosmic_ray("exec", str(WORK / f"{module.key}.toml"), str(session_path(module)))
    return report(modules, equivalent)


if __name__ == "__main__":
    sys.exit(main())
