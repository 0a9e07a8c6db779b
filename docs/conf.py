"""Sphinx configuration for the cadredev documentation."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import cadredev

project = "cadredev"
author = "cadredev developers"
copyright = "2026, cadredev developers"
release = cadredev.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
exclude_patterns = ["_build", "conf.py"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# The examples are jupytext "percent" scripts; they are copied next to these
# pages and executed as notebooks on every build, so the site shows real output.
nb_custom_formats = {".py": ["jupytext.reads", {"fmt": "py:percent"}]}
nb_execution_mode = "force"
nb_execution_timeout = 300
nb_execution_raise_on_error = True
nb_merge_streams = True
_HERE = Path(__file__).resolve().parent
_GENERATED = _HERE / "examples"
_GENERATED.mkdir(exist_ok=True)
for _script in sorted((_HERE.parent / "examples").glob("s*.py")):
    _target = _GENERATED / _script.name
    if not _target.exists() or _target.read_bytes() != _script.read_bytes():
        _target.write_bytes(_script.read_bytes())

napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
napoleon_use_ivar = True
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}

# The docs build offline: types from other projects are not cross-referenced.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|networkx|nx|scipy|pandas|pd|matplotlib|hypothesis|st|attrs|cattrs)\..*"),
    (r"py:.*", r"(NDArray|ArrayLike|Axes|Figure|DataFrame|SearchStrategy|DrawFn|Generator)"),
    (r"py:.*", r"(collections\.abc|typing|types|pathlib|os|datetime|sqlalchemy)\..*"),
    (r"py:.*", r"(Path|Mapping|Sequence|Iterable|Iterator|Callable|Any|Self|Literal|TypeVar)"),
    (r"py:.*", r"(T|K|V|E|_T|_T_co|Seed|Method|Labels|Pair|Period|Policy|Direction|Kind)"),
    (r"py:.*", r"(Context|Scorer|When|PeriodLevel)"),
    (r"py:class", r"\.\.\.?"),  # the ellipsis of tuple[str, ...]
    (r"py:.*", r"_\w+"),
    (r"py:.*", r"cadredev\..*\._.*"),
    (r"py:.*", r"cadredev\._.*"),  # private modules (cadredev._vocab, ...)
    (r"py:.*", r"cadredev\.[a-z_.]*\.[A-Z]"),  # type variables
    (r"py:.*", r"cadredev\.model\.LabelledEnum"),
    (r"py:mod", r"(cattrs|attrs|hypothesis|networkx|scipy|numpy)"),
    (r"py:.*", r"(optional|default.*|array-like|callable|one of .*)"),
]

html_theme = "furo"
html_title = f"cadredev {release}"


def _resolve_public(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    """Resolve references to public names through the ``cadredev`` namespace.

    Public objects are documented once, as ``cadredev.X``; module docstrings
    refer to them by their short or defining-module names.
    """
    if node.get("refdomain") != "py":
        return None
    target = node["reftarget"].lstrip("~.")
    parts = target.split(".")
    candidates = []
    if parts[0] == "cadredev" and len(parts) > 2:
        candidates.append("cadredev." + ".".join(parts[2:]))
    if parts[0] != "cadredev":
        candidates.append("cadredev." + target)
    domain = env.get_domain("py")
    suffix = "." + parts[-1]
    documented = [
        name
        for name in domain.objects
        if name.endswith(suffix) and not any(p.startswith("_") for p in name.split("."))
    ]
    if len(documented) == 1:
        candidates.append(documented[0])
    for candidate in candidates:
        if candidate in domain.objects:
            found = domain.resolve_any_xref(
                env, node["refdoc"], app.builder, candidate, node, contnode
            )
            if found:
                return found[0][1]
    return None


def setup(app: Any) -> None:
    app.connect("missing-reference", _resolve_public)
