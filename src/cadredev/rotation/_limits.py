"""The memory and time limits every rotation stage respects (internal).

``memory_limit`` is a number of bytes. Compiling a problem checks its
estimate against it before allocating the placement options; the later
stages compare their own estimates with it and take a smaller path (fewer
options per cadre, no whole-problem MIP, no LP bound, smaller
neighbourhoods) instead of running out of memory. The default is a quarter
of the machine's physical memory, read from ``/proc/meminfo``
(``MemTotal``) or, where that file does not exist, from ``os.sysconf``
(physical pages); 4 GiB where neither can be read. Physical memory, not
the memory free at the moment, so that the same call on the same machine
always prunes the same way and gives the same plan.

``time_limit`` becomes a deadline (a :func:`time.perf_counter` instant)
that compilation and ``diagnose`` check between chunks of their work.
"""

from __future__ import annotations

import math
import operator
import os
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import numpy as np

from cadredev._validate import is_int
from cadredev.errors import InvalidInputError

from ._effort import OPTIONS_PER_PLACEMENT

if TYPE_CHECKING:
    from ._compile import Compiled
    from ._effort import Effort

__all__ = [
    "COMPILE_GRACE",
    "DEFAULT_MEMORY_SHARE",
    "FALLBACK_MEMORY",
    "LP_BYTES_PER_PAIR",
    "MIP_BYTES_PER_OPTION",
    "Limits",
    "OutOfTimeError",
    "check_memory_limit",
    "check_time_limit",
    "default_memory_limit",
    "fit_effort",
    "format_bytes",
    "lp_fits",
    "make_limits",
    "parse_bytes",
    "physical_memory",
    "solver_limits",
]

DEFAULT_MEMORY_SHARE = 0.25
"""Share of the physical memory that ``memory_limit`` defaults to."""
FALLBACK_MEMORY = 4 * 2**30
"""The default ``memory_limit`` where the available memory cannot be read (4 GiB)."""
MIP_BYTES_PER_OPTION = 4_000
"""Estimated bytes per placement option of a MIP (its matrix and the solver's copies)."""
LP_BYTES_PER_PAIR = 2_000
"""Estimated bytes per (cadre, program, post) pair of the LP bound."""
COMPILE_GRACE = 1.0
"""Seconds ``schedule`` and ``replan`` let compilation run under a smaller ``time_limit``."""

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
_SIZE = re.compile(r"\s*(\d+(?:\.\d*)?|\.\d+)\s*([kKmMgGtT]?)(?:i?[bB])?\s*")


class OutOfTimeError(InvalidInputError):
    """The time limit ran out before a stage that cannot stop halfway had finished."""


def physical_memory() -> int | None:
    """Return the bytes of the machine's physical memory, or ``None`` when it cannot be read."""
    try:
        with Path("/proc/meminfo").open(encoding="ascii") as lines:
            for line in lines:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        pages, size = os.sysconf("SC_PHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, OSError, ValueError):
        return None
    return pages * size if pages > 0 and size > 0 else None


def default_memory_limit() -> int:
    """Return the default ``memory_limit``: a quarter of the physical memory."""
    total = physical_memory()
    return FALLBACK_MEMORY if total is None else max(1, int(total * DEFAULT_MEMORY_SHARE))


def check_memory_limit(value: object, where: str) -> int:
    """Return ``value`` as a number of bytes (``None``: the default), or raise a named error."""
    if value is None:
        return default_memory_limit()
    if is_int(value):
        n = operator.index(value)  # type: ignore[arg-type]
        if n > 0:
            return n
    raise InvalidInputError(
        f"{where}: memory_limit must be a positive integer number of bytes or None, got {value!r}"
    )


def parse_bytes(text: str) -> int:
    """Return a size such as ``"2G"``, ``"512M"``, ``"1.5GiB"`` or ``"1000000"`` in bytes.

    Suffixes are binary (``K`` = 1024). Raise :class:`ValueError` on anything else.
    """
    match = _SIZE.fullmatch(text)
    if match is None:
        raise ValueError(f"expected a size such as 2G or 512M, got {text!r}")
    value = float(match.group(1)) * _UNITS[match.group(2).upper()]
    if not math.isfinite(value) or value < 1:
        raise ValueError(f"expected a size of at least 1 byte, got {text!r}")
    return int(value)


def format_bytes(n: float) -> str:
    """Return ``n`` bytes as a short text in MiB or GiB."""
    if n >= 2**30:
        return f"{n / 2**30:,.1f} GiB"
    if n >= 2**20:
        return f"{n / 2**20:,.1f} MiB"
    return f"{n:,.0f} bytes"


@attrs.frozen
class Limits:
    """The limits of one call (internal): who asked, bytes, and a deadline."""

    where: str = "RotationProblem"
    memory: int = attrs.field(factory=default_memory_limit)
    time_limit: float | None = None
    grace: float = 0.0
    """Seconds the work that cannot stop halfway may take, whatever ``time_limit``."""
    started: float = attrs.field(factory=time.perf_counter)

    @property
    def deadline(self) -> float | None:
        """The :func:`time.perf_counter` instant the time limit ends, or ``None``."""
        if self.time_limit is None:
            return None
        return self.started + max(self.time_limit, self.grace)

    def out_of_time(self) -> bool:
        """Tell whether the time limit has run out."""
        deadline = self.deadline
        return deadline is not None and time.perf_counter() > deadline

    def tick(self, stage: str) -> None:
        """Raise :class:`OutOfTimeError` naming ``stage`` when the time limit has run out."""
        if self.out_of_time():
            floor = (
                f" (at least {self.grace:g} s for compiling)"
                if self.grace > (self.time_limit or 0.0)
                else ""
            )
            raise OutOfTimeError(
                f"{self.where}: the time_limit of {self.time_limit:g} s{floor} ran out while "
                f"{stage} (after {time.perf_counter() - self.started:.1f} s); give a longer "
                "time_limit, or plan a shorter horizon or fewer cadres or posts"
            )


def make_limits(
    where: str,
    memory_limit: object,
    time_limit: float | None,
    default_time: float | None = None,
    *,
    grace: float = 0.0,
) -> Limits:
    """Return the limits of a call to ``where`` (``time_limit`` already checked)."""
    seconds = default_time if time_limit is None else float(time_limit)
    memory = check_memory_limit(memory_limit, where)
    return Limits(where=where, memory=memory, time_limit=seconds, grace=grace)


def solver_limits(where: str, memory_limit: object, time_limit: float) -> Limits:
    """Return the limits of ``schedule`` or ``replan``: compiling has ``COMPILE_GRACE``."""
    return make_limits(where, memory_limit, time_limit, grace=COMPILE_GRACE)


def fit_effort(effort: Effort, comp: Compiled, memory: int, *, lp: bool) -> tuple[Effort, bool]:
    """Return ``effort`` made to fit ``memory`` bytes, and whether the LP bound fits.

    The whole-problem MIP is skipped when its estimate exceeds the limit, and
    neighbourhoods free fewer cadres (or keep fewer options per cadre) so that
    a sub-MIP fits. ``lp`` tells whether the LP bound is wanted at all. Each
    change is noted in ``comp.notes``.
    """
    notes = comp.notes
    if 0 < comp.n_options <= effort.exact_options and not comp.pruned:
        need = comp.n_options * MIP_BYTES_PER_OPTION
        if need > memory:
            effort = attrs.evolve(effort, exact_options=0)
            notes.append(f"memory limit: no whole-problem MIP (about {format_bytes(need)} needed)")
    exact = 0 < comp.n_options <= effort.exact_options and not comp.pruned
    if exact and not effort.polish:
        return effort, lp and lp_fits(comp, memory)  # no neighbourhood search follows
    widest = int(np.bincount(comp.oc).max()) if comp.n_options else 0
    per = widest if effort.per_cadre is None else min(effort.per_cadre, widest)
    per_bytes = max(1, per) * MIP_BYTES_PER_OPTION
    if effort.size * per_bytes > memory:
        size = max(1, memory // per_bytes)
        per_cadre = effort.per_cadre
        if size == 1 and per_bytes > memory:
            per_cadre = max(1, memory // MIP_BYTES_PER_OPTION)
        fewer = "" if per_cadre == effort.per_cadre else f", {per_cadre} option(s) each"
        effort = attrs.evolve(effort, size=size, per_cadre=per_cadre)
        notes.append(f"memory limit: neighbourhoods of {size} cadre(s){fewer}")
    window_bytes = OPTIONS_PER_PLACEMENT * MIP_BYTES_PER_OPTION  # per placement a window frees
    if effort.window and effort.window * window_bytes > memory:
        window = max(1, memory // window_bytes)
        effort = attrs.evolve(effort, window=window)
        notes.append(f"memory limit: windows of {window} placement(s)")
    return effort, lp and lp_fits(comp, memory)


def lp_fits(comp: Compiled, memory: int) -> bool:
    """Tell whether the LP bound fits ``memory`` bytes; note it in ``comp.notes`` if not."""
    need = len(comp.pair_c) * LP_BYTES_PER_PAIR
    if need <= memory:
        return True
    comp.notes.append(f"memory limit: no LP bound (about {format_bytes(need)} needed)")
    return False


def check_time_limit(value: object, where: str) -> float | None:
    """Return ``value`` as seconds (``None``: no limit), or raise a named error."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidInputError(
            f"{where}: time_limit must be a positive number of seconds or None, got {value!r}"
        )
    return float(value)
