"""The Layout section of docs/architecture.md is the real tree: what it names exists, and it
names every package and every module of each app."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# A directory ("api/") or a Python file ("ledger.py") named in the tree.
NAME = re.compile(r"(?<![\w./-])(\.?[A-Za-z_][\w.-]*/|[A-Za-z_][\w.-]*\.py)(?![\w/])")


def layout() -> dict[str, set[str]]:
    """Top-level names, and under each the names on its indented lines (relative to it)."""
    architecture = (ROOT / "docs/architecture.md").read_text()
    section = architecture.split("\n## Layout\n", 1)[1].split("\n## ", 1)[0]
    tree = section.split("```\n", 2)[1]
    named: dict[str, set[str]] = {}
    parent = None
    for line in tree.splitlines():
        names = NAME.findall(line)
        if not line.startswith(" "):
            parent = names[0].rstrip("/")
            named[parent] = set()
            continue
        named[parent].update(name.rstrip("/") for name in names)
    return named


def python_children(package: Path) -> set[str]:
    return {
        child.stem if child.suffix == ".py" else child.name
        for child in package.iterdir()
        if (child.suffix == ".py" and child.name != "__init__.py") or (child / "__init__.py").exists()
    }


def test_every_name_in_the_layout_exists():
    missing = []
    for parent, names in layout().items():
        top = ROOT / parent
        if not top.exists():
            missing.append(parent)
            continue
        # An indented name belongs to its top-level directory or to one of its packages, at
        # any depth (services/wires/create.py is named as create.py under services/).
        places = [top, *(path for path in top.rglob("*") if path.is_dir())] if top.is_dir() else [top]
        missing += [f"{parent}/{name}" for name in names if not any((p / name).exists() for p in places)]
    assert not missing, f"docs/architecture.md's Layout names what does not exist: {missing}"


def test_the_layout_names_every_package_and_every_module_of_each_app():
    named = layout()
    packages = {path.name for path in ROOT.iterdir() if (path / "__init__.py").exists()}
    assert packages <= set(named), (
        f"packages missing from the Layout of docs/architecture.md: {packages - set(named)}"
    )
    unnamed = {
        f"{app}/{child}"
        for app in packages
        if (ROOT / app / "apps.py").exists()
        for child in python_children(ROOT / app)
        if child not in {name.removesuffix(".py") for name in named[app]}
    }
    assert not unnamed, f"modules missing from the Layout of docs/architecture.md: {sorted(unnamed)}"


def test_every_models_name_reads_as_staff_would_write_it():
    """The back office names models by their verbose names: "KYC profiles", not "Kyc
    profiles"; "screening matches", not "screening matchs"."""
    from django.apps import apps

    wrong = []
    for label in ("accounts", "audit", "bankcore", "kyc", "transfers"):
        for model in apps.get_app_config(label).get_models():
            name, plural = str(model._meta.verbose_name), str(model._meta.verbose_name_plural)
            if re.search(r"\bkyc\b", f"{name} {plural}", re.IGNORECASE) and "KYC" not in name:
                wrong.append(f"{model.__name__}: {name}")
            if plural == f"{name}s" and name.endswith(("ch", "sh", "s", "x", "z")):
                wrong.append(f"{model.__name__}: {plural}")
    assert not wrong, f"verbose names that read wrong: {wrong}"
