"""Where a package tells the hypothesis plugin that it has been imported.

Hypothesis runs cadredev's plugin (:mod:`cadredev._hypothesis_plugin`) through
its entry point when hypothesis is imported. The plugin registers strategies
for the types of every cadredev package imported so far and installs its
registration here; a capability package imported later calls :func:`imported`
as the last step of its own import, so its types are registered too, in
whichever order the two were imported. This module imports nothing, so any
layer may call it.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["imported", "install"]

_hooks: list[Callable[[], None]] = []


def install(hook: Callable[[], None]) -> None:
    """Call *hook* whenever a package reports that it has been imported."""
    if hook not in _hooks:
        _hooks.append(hook)


def imported() -> None:
    """Report that a package has been imported (a no-op until hypothesis is)."""
    for hook in _hooks:
        hook()
