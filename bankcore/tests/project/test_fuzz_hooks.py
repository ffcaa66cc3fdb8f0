"""The fuzzer's generator for free text knows the field's rule: the copy of it in
.ci/fuzz_hooks.py (which runs in the fuzzer's own virtualenv, without bankcore) is the
field's, so every string it draws is one the API accepts."""

import ast
from pathlib import Path

import pytest
import yaml

from bankcore.api import fields

HOOKS = Path(__file__).resolve().parents[3] / ".ci" / "fuzz_hooks.py"


def _hook_constants() -> dict:
    constants = {}
    for node in ast.parse(HOOKS.read_text()).body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            value = node.value
            # frozenset({...}) is the one call the rule's constants are written with.
            if isinstance(value, ast.Call) and getattr(value.func, "id", None) == "frozenset":
                constants[node.targets[0].id] = frozenset(ast.literal_eval(value.args[0]))
                continue
            try:
                constants[node.targets[0].id] = ast.literal_eval(value)
            except ValueError:
                continue
    return constants


def test_the_fuzzers_free_text_rule_is_the_fields():
    hook = _hook_constants()
    assert hook["REFUSED_CATEGORIES"] == fields.REFUSED_CATEGORIES
    assert hook["DEFAULT_IGNORABLE"] == fields.DEFAULT_IGNORABLE
    assert hook["BLANK_LOOKALIKES"] == fields.BLANK_LOOKALIKES
    assert hook["MAX_COMBINING_MARKS"] == fields.MAX_COMBINING_MARKS


@pytest.mark.django_db
def test_the_schema_names_free_text_for_the_generators_that_know_it(api_client):
    schema = yaml.safe_load(api_client.get("/api/schema/").content)
    legal_name = schema["components"]["schemas"]["KycProfileInputRequest"]["properties"]["legal_name"]
    assert legal_name["format"] == "free-text"
    assert "Above U+FFFF" in legal_name["description"]
