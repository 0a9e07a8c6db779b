"""The hypothesis plugin: light at import, and registration in either import order.

Each check runs in a fresh interpreter, since the point is what a process
imports and in which order.
"""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import cadredev

PLUGIN = "cadredev._hypothesis_plugin:_hypothesis_setup_hook"

pytestmark = pytest.mark.skipif(
    not any(ep.value == PLUGIN for ep in importlib.metadata.entry_points(group="hypothesis")),
    reason="cadredev is not installed, so hypothesis does not know its plugin",
)

DRAW = """
from hypothesis import HealthCheck, given, settings, strategies as st

def draw(cls):
    drawn = []
    quick = settings(
        max_examples=1, database=None, deadline=None, suppress_health_check=list(HealthCheck)
    )

    @quick
    @given(st.from_type(cls))
    def keep(value):
        drawn.append(value)

    keep()
    return drawn[0]
"""


def run(*parts: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(Path(cadredev.__file__).resolve().parents[1])}
    env.pop("HYPOTHESIS_NO_PLUGINS", None)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "\n".join(textwrap.dedent(p) for p in parts)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_importing_hypothesis_imports_no_numpy() -> None:
    out = run(
        """
        import sys
        import hypothesis
        assert "cadredev._hypothesis_plugin" in sys.modules
        assert "numpy" not in sys.modules, sorted(m for m in sys.modules if "cadredev" in m)
        print("light")
        """
    )
    assert out.split() == ["light"]


def test_types_of_packages_imported_after_hypothesis_are_registered() -> None:
    out = run(
        """
        import hypothesis
        from cadredev import Cadre, Mentor
        from cadredev.scoring import Exemption, Indicator, Records, Scheme, Target
        """,
        DRAW,
        """
        for cls in (Cadre, Mentor, Indicator, Scheme, Records, Exemption, Target):
            assert isinstance(draw(cls), cls), cls
        print("ok")
        """,
    )
    assert out.split() == ["ok"]


def test_types_of_packages_imported_before_hypothesis_are_registered() -> None:
    out = run(
        """
        from cadredev import Cadre, Post
        from cadredev.rotation import RotationProblem
        from cadredev.scoring import Linear, LookupTable, Records
        import hypothesis
        """,
        DRAW,
        """
        for cls in (Cadre, Post, RotationProblem, Records, Linear, LookupTable):
            assert isinstance(draw(cls), cls), cls
        print("ok")
        """,
    )
    assert out.split() == ["ok"]


def test_rotation_imported_after_hypothesis_is_registered() -> None:
    out = run(
        """
        import hypothesis
        from cadredev.rotation import RotationProblem
        """,
        DRAW,
        """
        assert isinstance(draw(RotationProblem), RotationProblem)
        print("ok")
        """,
    )
    assert out.split() == ["ok"]
