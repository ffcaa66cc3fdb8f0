"""Every app's tests keep one layout (docs/architecture.md, Conventions): test modules in
services/, api/, admin/ or benchmark/ (the kernel's project-wide ones in project/, the browser
tests in the composition layer's e2e/), query-count pins in benchmark/ only, and what modules
share in a conftest (fixtures) or in tests/helpers.py, never imported from a conftest or a
test module."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS = {"services", "api", "admin", "benchmark"}
# Each tests package, with the folders its test modules may be in.
TEST_PACKAGES = {
    "accounts/tests": LAYERS,
    "audit/tests": LAYERS,
    "kyc/tests": LAYERS,
    "transfers/tests": LAYERS,
    "bankcore/tests": LAYERS | {"project"},
    "bankcore/backoffice/tests": LAYERS | {"e2e"},
}
# What pins a query count: pytest-django's fixtures, Django's assertion, the root conftest's.
PINS = {
    "django_assert_num_queries",
    "django_assert_max_num_queries",
    "assertNumQueries",
    "assert_num_queries_excluding_savepoints",
}


def python_files(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if "__pycache__" not in path.parts)


def modules_of_tests(package: str) -> list[Path]:
    return [path for path in python_files(package) if path.name.startswith("test_")]


def imported_modules(path: Path) -> list[str]:
    """Every module an import in ``path`` names, nested imports included; ``from a import b``
    names both ``a`` and ``a.b`` (b may be a module); relative imports keep their dots."""
    names = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names.append(module)
            names += [
                f"{module.rstrip('.')}.{alias.name}" if node.module else module + alias.name
                for alias in node.names
            ]
    return names


def names_a_conftest_or_a_test_module(module: str) -> bool:
    """``x.tests.conftest``, ``x.tests.api.test_y``, ``.conftest``; not ``bankcore.test_settings``."""
    parts = module.split(".")
    inside_tests = module.startswith(".") or "tests" in parts
    return inside_tests and any(part == "conftest" or part.startswith("test_") for part in parts)


def test_every_test_module_is_in_one_of_the_agreed_folders():
    misplaced = [
        str(path.relative_to(ROOT))
        for package, folders in TEST_PACKAGES.items()
        for path in modules_of_tests(package)
        if len(path.relative_to(ROOT / package).parts) != 2
        or path.relative_to(ROOT / package).parts[0] not in folders
    ]
    assert not misplaced, (
        f"test modules outside services/, api/, admin/, benchmark/ (and project/, e2e/): {misplaced}"
    )


def test_every_folder_of_tests_is_a_package():
    """pytest imports test modules by their package name: two test_ledger.py in two folders
    without __init__.py would collide."""
    missing = [
        str(folder.relative_to(ROOT))
        for package in TEST_PACKAGES
        for folder in [ROOT / package, *(ROOT / package).rglob("*")]
        if folder.is_dir() and folder.name != "__pycache__" and not (folder / "__init__.py").exists()
    ]
    assert not missing, f"folders of tests without __init__.py: {missing}"


def test_nothing_imports_a_conftest_or_a_test_module():
    """Fixtures are found by pytest without an import; functions and constants that modules
    share live in the app's tests/helpers.py."""
    modules = [path for package in TEST_PACKAGES for path in python_files(package)] + [ROOT / "conftest.py"]
    wrong = [
        f"{path.relative_to(ROOT)}: {module}"
        for path in modules
        for module in imported_modules(path)
        if names_a_conftest_or_a_test_module(module)
    ]
    assert not wrong, f"imports of a conftest or a test module: {wrong}"


def test_query_count_pins_are_in_benchmark_folders_only():
    pinned = [
        str(path.relative_to(ROOT))
        for package in TEST_PACKAGES
        for path in modules_of_tests(package)
        if "benchmark" not in path.relative_to(ROOT / package).parts
        and any(
            isinstance(node, ast.Name | ast.Attribute | ast.arg)
            and (getattr(node, "id", None) or getattr(node, "attr", None) or getattr(node, "arg", None))
            in PINS
            for node in ast.walk(ast.parse(path.read_text()))
        )
    ]
    assert not pinned, f"query-count pins outside benchmark/: {pinned}"
