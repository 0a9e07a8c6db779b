"""Execute every example under ``examples/`` as a notebook, through a real kernel.

The examples are jupytext "percent" scripts; each asserts the figures of its
scenario, so a failing assertion fails the test.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("s*.py"))


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_runs_as_a_notebook(path: Path, tmp_path: Path) -> None:
    jupytext = pytest.importorskip("jupytext")
    nbclient = pytest.importorskip("nbclient")
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    os.environ.setdefault("MPLBACKEND", "Agg")
    notebook = jupytext.read(path)
    client = nbclient.NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()


def test_every_scenario_has_an_example() -> None:
    # S1 to S14 from the domain, S15 the programme year kept in a ledger,
    # S16-S21: training, routes, contests, the service loop, the squad, secondment,
    # S22 a policy sweep
    numbers = sorted(int(p.stem[1:3]) for p in EXAMPLES)
    assert numbers == list(range(1, 23))
