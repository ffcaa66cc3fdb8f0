"""What the docs state in their tables is what the code does: names and values.

- Error codes (docs/api.md, Errors): every code with its HTTP status, against the error
  classes; every domain error's code is documented.
- Environment variables (docs/configuration.md): every variable of the registry with its
  default, and nothing else.
- System settings (docs/configuration.md): every key with its default, and nothing else.
- Upper-case names anywhere in the docs (variables, settings, constants) exist in the code.
- Queries per request (docs/api.md): every row has a case and every case a row (the cases,
  in bankcore/tests/helpers.py, are counted in benchmark/test_documented_query_counts.py).

The code is read through two small functions, ``domain_errors`` and ``config_defaults``,
so that a new home for error classes or setting defaults changes one place.
"""

import importlib
import json
import pkgutil
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

from bankcore.env import VARIABLES
from bankcore.tests.helpers import (
    QUERY_COUNT_CASES,
    ROOT,
    documented_query_counts,
    section,
    table_rows,
    unquote,
)

# The families' bases: never answered themselves, every refusal in them sets its own code.
FAMILY_CODES = {"conflict", "business_rule_violation"}


def _import_every_app_module() -> None:
    """Import each module of the project's own apps (not tests or migrations), so every
    error class is defined wherever it lives."""
    for config in apps.get_app_configs():
        path = Path(config.path)
        if ROOT not in path.parents or ".venv" in path.relative_to(ROOT).parts:
            continue  # Django's and the libraries' apps
        for module in pkgutil.walk_packages([str(path)], prefix=f"{config.name}."):
            if {"tests", "migrations"} & set(module.name.split(".")):
                continue
            importlib.import_module(module.name)


def domain_errors() -> list[type]:
    """Every subclass of the kernel's domain error, wherever its app defines it."""
    from bankcore.errors import DomainError

    _import_every_app_module()
    found = []

    def walk(cls):
        for subclass in cls.__subclasses__():
            found.append(subclass)
            walk(subclass)

    walk(DomainError)
    return found


def error_statuses() -> dict[str, set[int]]:
    """{code: the statuses answered with it}: the domain errors', and the codes the
    exception handler gives DRF's own exceptions."""
    from rest_framework import exceptions

    statuses: dict[str, set[int]] = {}
    for error in domain_errors():
        statuses.setdefault(error.code, set()).add(error.status)
    for name in dir(exceptions):
        drf = getattr(exceptions, name)
        if (
            isinstance(drf, type)
            and issubclass(drf, exceptions.APIException)
            and drf is not exceptions.ValidationError
        ):
            statuses.setdefault(drf.default_code, set()).add(drf.status_code)
    # The handler renders DRF's ValidationError as validation_error, with its fields.
    statuses.setdefault("validation_error", set()).add(exceptions.ValidationError.status_code)
    return statuses


def domain_error_codes() -> set[str]:
    return {error.code for error in domain_errors()} - FAMILY_CODES


def config_defaults() -> dict[str, object]:
    """{setting key: its default}, as the code reads them when no row overrides them."""
    from bankcore.config import DEFAULTS

    return {key: default for key, (default, _help) in DEFAULTS.items()}


def documented_errors() -> dict[str, int]:
    rows = table_rows(section("docs/api.md", "Errors"))
    codes = [unquote(code) for code, *_ in rows]
    duplicates = {code for code in codes if codes.count(code) > 1}
    assert not duplicates, f"codes documented twice: {duplicates}"
    return {unquote(code): int(status) for code, status, *_ in rows}


class TestErrorCodes:
    def test_every_documented_code_is_answered_with_its_documented_status(self):
        statuses = error_statuses()
        wrong = {
            code: (status, sorted(statuses.get(code, ())))
            for code, status in documented_errors().items()
            if statuses.get(code) != {status}
        }
        assert wrong == {}, "code: (documented status, the code's statuses)"

    def test_every_domain_error_is_documented(self):
        assert domain_error_codes() - set(documented_errors()) == set()

    def test_every_status_and_code_the_prose_states_match(self):
        """A status beside a code anywhere in the docs (422 `limit_exceeded`, 503s with
        `service_unavailable`): the code exists and is answered with that status. /health's
        states are not error codes."""
        statuses = error_statuses()
        health_states = {"ok", "degraded", "unavailable"}
        pages = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
        wrong = set()
        for page in pages:
            for status, code in re.findall(r"\b([45]\d\d)s?(?: with)? `([a-z_]+)`", page.read_text()):
                if int(status) not in statuses.get(code, set()) and code not in health_states:
                    wrong.add(f"{page.relative_to(ROOT)}: {status} {code}")
        assert wrong == set()

    def test_the_table_is_read(self):
        documented = documented_errors()
        assert documented["insufficient_funds"] == 422
        assert documented["validation_error"] == 400
        assert len(documented) > 40


class TestEnvironmentVariables:
    @staticmethod
    def documented() -> dict[str, str | None]:
        rows = table_rows(section("docs/configuration.md", "Environment variables"))
        defaults = {}
        for name, default, *_ in rows:
            if default == "—":
                defaults[unquote(name)] = None
            elif default == "(empty)":
                defaults[unquote(name)] = ""
            else:
                defaults[unquote(name)] = unquote(default)
        return defaults

    def test_the_table_lists_exactly_the_registry(self):
        assert set(self.documented()) == set(VARIABLES)

    def test_every_default_is_the_registry_default(self):
        wrong = {
            name: (default, VARIABLES[name].default)
            for name, default in self.documented().items()
            if name in VARIABLES and default != VARIABLES[name].default
        }
        assert wrong == {}, "name: (documented default, the registry's)"


# Upper-case names the docs may state that are neither bankcore's variables nor settings.
OTHER_NAMES = {
    "REMOTE_ADDR": "the client's address in the WSGI environ",
    "ATOMIC_REQUESTS": "a Django database option bankcore leaves off",
    "AWS_ACCESS_KEY_ID": "boto3's own credentials",
    "AWS_SECRET_ACCESS_KEY": "boto3's own credentials",
    "BASE_URL": "the server's address in the Python client's README example",
}
UPPER_NAME = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def defined_in_code(name: str, sources: list[str]) -> bool:
    """Whether code defines ``name``: a constant assigned, a variable read from the
    environment, or a make variable."""
    patterns = [
        rf"^\s*{name}\s*(?::[^=\n]*)?=",
        rf"environ(?:\.get|\.setdefault)?[\[(]\s*[\"']{name}[\"']",
        rf"\$\({name}\)",
    ]
    return any(re.search(pattern, text, flags=re.MULTILINE) for pattern in patterns for text in sources)


def test_every_upper_case_name_the_docs_state_exists():
    """An environment variable, a Django setting, a constant or a make variable the docs
    name is one the code has: a name dropped or never made (an environment variable for a
    system setting, say) is found."""
    from bankcore.tests.helpers import tracked_text_files

    files = tracked_text_files(ROOT)
    pages = [path for path in files if path.suffix == ".md"]
    sources = [
        path.read_text(errors="replace") for path in files if path.suffix == ".py" or path.name == "Makefile"
    ]
    stated = {name for page in pages for name in UPPER_NAME.findall(page.read_text())}
    assert "LOGIN_FAILURES_PER_EMAIL" in stated, "the pattern must find the names"
    unknown = {
        name
        for name in stated
        if name not in VARIABLES
        and not hasattr(settings, name)
        and name not in OTHER_NAMES
        and not defined_in_code(name, sources)
    }
    assert unknown == set()


class TestSystemSettings:
    @staticmethod
    def documented() -> dict[str, object]:
        rows = table_rows(section("docs/configuration.md", "System settings"))
        return {unquote(key): json.loads(unquote(default)) for key, default, *_ in rows}

    def test_the_table_lists_exactly_the_settings(self):
        assert set(self.documented()) == set(config_defaults())

    def test_every_default_is_the_code_default(self):
        defaults = config_defaults()
        wrong = {
            key: (value, defaults[key])
            for key, value in self.documented().items()
            if key in defaults and (value != defaults[key] or type(value) is not type(defaults[key]))
        }
        assert wrong == {}, "key: (documented default, the code's)"


# ---- Queries per request -------------------------------------------------------------------


def test_every_documented_query_count_has_a_case_and_every_case_a_row():
    assert set(documented_query_counts()) == set(QUERY_COUNT_CASES)
