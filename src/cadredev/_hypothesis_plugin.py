"""Register cadredev's strategies with hypothesis (run through its entry point).

Hypothesis runs the hook while it is itself being imported, so the hook stays
light: it imports neither numpy nor :mod:`cadredev.testing`. It registers the
model records at once and the types of each capability package as soon as
that package has been imported, before or after hypothesis (the package reports
its import through :mod:`cadredev._strategy_hook`). The strategy itself comes
from :mod:`cadredev.testing` when a type is first drawn.
"""

from __future__ import annotations

import sys
from typing import Any

from . import _strategy_hook

# module -> the types in it that ``st.from_type`` draws with cadredev's strategies
TYPES: dict[str, tuple[str, ...]] = {
    "cadredev.model": ("Cadre", "Mentor", "Post", "Posting", "Eligibility", "Enterprise"),
    "cadredev.rotation": ("RotationProblem",),
    "cadredev.scoring": (
        "Indicator",
        "Scheme",
        "Records",
        "Exemption",
        "Target",
        "Linear",
        "LookupTable",
    ),
}


def _strategy(cls: type) -> Any:
    from .testing._from_type import strategy_for  # noqa: PLC0415

    return strategy_for(cls)


def _register_imported() -> None:
    """Register the types of every module in ``TYPES`` that is fully imported."""
    from hypothesis import strategies as st  # noqa: PLC0415

    for name, types in TYPES.items():
        module = sys.modules.get(name)
        # a package still being imported is in sys.modules before its names are
        if module is not None and all(hasattr(module, t) for t in types):
            for t in types:
                st.register_type_strategy(getattr(module, t), _strategy)


def _hypothesis_setup_hook() -> None:
    """Make ``st.from_type`` draw valid cadredev records, problems and scoring objects."""
    from . import model  # noqa: F401, PLC0415  (light: the records import no numpy)

    _strategy_hook.install(_register_imported)
    _register_imported()
