"""Sphinx configuration for the cadredev documentation."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import cadredev

project = "cadredev"
author = "cadredev developers"
copyright = "2026, cadredev developers"
release = cadredev.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

napoleon_numpy_docstring = True
napoleon_google_docstring = False
napoleon_use_rtype = False
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "undoc-members": False, "show-inheritance": False}

# The docs build offline: types from other projects are not cross-referenced.
nitpicky = True
nitpick_ignore_regex = [
    (r"py:.*", r"(numpy|np|networkx|nx|scipy|pandas|pd|matplotlib|hypothesis|st|attrs|cattrs)\..*"),
    (r"py:.*", r"(NDArray|ArrayLike|Axes|Figure|DataFrame|SearchStrategy|DrawFn|Generator)"),
    (r"py:.*", r"(collections\.abc|typing|types|pathlib|os)\..*"),
    (r"py:.*", r"(Path|Mapping|Sequence|Iterable|Iterator|Callable|Any|Self|Literal|TypeVar)"),
    (r"py:.*", r"(T|K|V|E|_T|_T_co|Seed|Method)"),
    (r"py:.*", r"cadredev\..*\._.*"),
    (r"py:.*", r"cadredev\.[a-z_.]*\.[A-Z]"),  # type variables
    (r"py:.*", r"cadredev\.model\.LabelledEnum"),
    (r"py:mod", r"(cattrs|attrs|hypothesis|networkx|scipy|numpy)"),
    (r"py:.*", r"(optional|default.*|array-like|callable|one of .*)"),
]

html_theme = "furo"
html_title = f"cadredev {release}"
