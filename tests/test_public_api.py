from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import pytest

import cadredev


def test_all_is_sorted_and_unique() -> None:
    assert list(cadredev.__all__) == sorted(set(cadredev.__all__))


def test_star_import_exposes_every_name() -> None:
    namespace: dict[str, object] = {}
    exec("from cadredev import *", namespace)  # noqa: S102
    missing = [n for n in cadredev.__all__ if n not in namespace]
    assert not missing


def test_every_public_name_is_documented_with_an_example() -> None:
    undocumented = []
    for name in cadredev.__all__:
        if name.startswith("__"):
            continue
        obj = getattr(cadredev, name)
        doc = inspect.getdoc(obj) or ""
        if "Examples" not in doc or "versionadded" not in doc:
            undocumented.append(name)
    assert not undocumented


def test_submodule_all_names_exist() -> None:
    for module in ("cadredev.model", "cadredev.errors", "cadredev.io", "cadredev.datasets"):
        mod = importlib.import_module(module)
        for name in mod.__all__:
            assert hasattr(mod, name), (module, name)


def test_import_is_light() -> None:
    code = (
        "import sys, cadredev; "
        "heavy = [m for m in ('scipy', 'networkx', 'cattrs', 'numpy') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_unknown_attribute() -> None:
    with pytest.raises(AttributeError, match="nonexistent"):
        cadredev.nonexistent  # noqa: B018
