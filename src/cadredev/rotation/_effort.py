"""How much search a plan may use: the levels behind ``schedule(effort=...)``."""

from __future__ import annotations

import attrs

from cadredev._validate import is_int
from cadredev.errors import InvalidInputError

__all__ = ["EFFORTS", "OPTIONS_PER_PLACEMENT", "Effort", "effort_of"]

OPTIONS_PER_PLACEMENT = 60
"""A window's sub-MIP holds at most this many options per placement it frees."""


@attrs.frozen
class Effort:
    """One level of search effort (internal).

    Every figure is a count of work, never of seconds, so a plan depends only
    on the problem, the seed and the effort, not on the machine's speed.
    """

    moves: float
    """Multiplier on the neighbourhood-move budget (which grows with the cadres)."""
    patience: float
    """Multiplier on the moves in a row without progress that end the search."""
    size: int
    """Cadres freed per neighbourhood."""
    per_cadre: int | None
    """Placement options kept per freed cadre, best first (``None``: all)."""
    node_limit: int
    """Branch-and-bound nodes per neighbourhood sub-solve."""
    exact_options: int
    """The whole problem goes to one MIP up to this many placement options."""
    exact_nodes: int
    """Branch-and-bound nodes for that whole-problem MIP."""
    polish: bool
    """Run the neighbourhood search after a whole-problem MIP that proved nothing."""
    window: int = 0
    """Placements a window neighbourhood frees (every other move; 0: no window moves)."""


EFFORTS: dict[str, Effort] = {
    "fast": Effort(
        moves=0.25,
        patience=0.5,
        size=32,
        per_cadre=20,
        node_limit=100,
        exact_options=1_000,
        exact_nodes=5_000,
        polish=False,
    ),
    "default": Effort(
        moves=1.0,
        patience=1.0,
        size=64,
        per_cadre=50,
        node_limit=200,
        exact_options=4_000,
        exact_nodes=50_000,
        polish=False,
    ),
    "thorough": Effort(
        moves=4.0,
        patience=1.0,
        size=32,
        per_cadre=50,
        node_limit=1_000,
        exact_options=12_000,
        exact_nodes=500_000,
        polish=True,
        window=150,
    ),
}
"""The named levels; an integer ``n`` is ``"default"`` with ``n`` times its moves."""

MAX_MULTIPLE = 1_000


def effort_of(value: object, where: str) -> Effort:
    """Return the :class:`Effort` that ``value`` names, or raise a named error."""
    if isinstance(value, str) and value in EFFORTS:
        return EFFORTS[value]
    if is_int(value) and 1 <= value <= MAX_MULTIPLE:  # type: ignore[operator]
        n = int(value)  # type: ignore[call-overload]
        return attrs.evolve(EFFORTS["default"], moves=float(n), patience=float(n))
    raise InvalidInputError(
        f"{where}: effort must be 'fast', 'default', 'thorough' or an integer "
        f"1..{MAX_MULTIPLE} (a multiple of the default work), got {value!r}"
    )
