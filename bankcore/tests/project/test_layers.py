"""The layers contract (pyproject.toml) places every module of the bankcore package: its
composition layer at the top, its kernel at the bottom. A module in neither would be held by
no contract, free to import any app."""

import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
LAYERS_CONTRACT = "Layers: bankcore's composition above"


def layered_modules(layer: str) -> set[str]:
    return {name.strip().removeprefix("bankcore.") for name in layer.split(":")}


def test_every_module_of_bankcore_is_in_the_composition_or_the_kernel_layer():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    (layers,) = [contract["layers"] for contract in contracts if contract["name"].startswith(LAYERS_CONTRACT)]
    composition, kernel = layered_modules(layers[0]), layered_modules(layers[-1])
    assert "backoffice" in composition
    assert not composition & kernel
    package = ROOT / "bankcore"
    modules = {
        child.stem if child.suffix == ".py" else child.name
        for child in package.iterdir()
        if (child.suffix == ".py" and child.name != "__init__.py") or (child / "__init__.py").exists()
    }
    assert modules == composition | kernel, (
        f"in no layer: {sorted(modules - composition - kernel)}; "
        f"layered but absent: {sorted((composition | kernel) - modules)}"
    )
