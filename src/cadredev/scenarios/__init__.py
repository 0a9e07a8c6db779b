"""Scenarios: compare policy variants side by side, on one machine or a dask cluster.

A :class:`Scenario` is a name, a base input (a zone, a rotation problem...)
and :class:`Change` records, so it can be saved with :mod:`cadredev.io`,
diffed and run again. :func:`grid` builds the cartesian product of named
axes; :func:`run` runs a task on every scenario on any
``concurrent.futures.Executor`` or a ``dask.distributed`` client, with a
seed per scenario so the results are equal wherever they ran;
:class:`Results` compares them in one table. :func:`province` sweeps many
zones at once.

.. versionadded:: 0.3
"""

from __future__ import annotations

from ._io import register as _register
from ._results import Failure, Outcome, Results
from ._run import connect, province, run, scenario_seed
from ._scenario import Change, Scenario, grid, knobs

__all__ = [
    "Change",
    "Failure",
    "Outcome",
    "Results",
    "Scenario",
    "connect",
    "grid",
    "knobs",
    "province",
    "run",
    "scenario_seed",
]

_register()
