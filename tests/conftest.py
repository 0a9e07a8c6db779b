"""Shared test configuration: hypothesis profiles.

``dev`` (the default) keeps the suite fast; under ``CI=true`` the built-in
``ci`` profile runs more examples, derandomised.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "dev",
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci-extended",
    parent=settings.get_profile("ci"),
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci-extended" if os.environ.get("CI") else "dev")
