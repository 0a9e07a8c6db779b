"""Plots for notebooks and reports (extra ``plot``: matplotlib and a CJK font).

Each function takes ``ax=None`` (a new figure is made when none is given)
and returns the :class:`matplotlib.axes.Axes` it drew on, so plots compose
into a user's own figures.

Chinese is drawn with Noto Sans SC, which ``pip install 'cadredev[plot]'``
installs; it is registered with matplotlib on first use, and matplotlib's
``rcParams`` are never changed. Every text element of a plot goes through
one rule: text holding a CJK character is set in the CJK font, other text in
the user's font. ``labels="auto"`` (the default) and ``labels="zh"`` draw a
plot's own words in Chinese; ``labels="en"`` draws them in English. Names in
the data (cadres, units, posts) are drawn as they are either way.

.. versionadded:: 0.1
.. versionchanged:: 0.2
   A CJK font with the ``plot`` extra; :func:`occupancy`,
   :func:`explanation_waterfall`, :func:`leaderboard_chart`,
   :func:`post_fit_chart` and :func:`enterprise_split_map`.
.. versionchanged:: 0.3
   :func:`scenario_chart`, :func:`grade_flows` and :func:`sensitivity_bars`.
"""

from __future__ import annotations

from ._fonts import cjk_font
from ._matching import mentor_graph
from ._rotation import occupancy, rotation_gantt
from ._scenarios import scenario_chart
from ._scoring import explanation_waterfall, leaderboard_chart, post_fit_chart, score_distribution
from ._teams import enterprise_split_map, team_balance
from ._whatif import grade_flows, sensitivity_bars

__all__ = [
    "cjk_font",
    "enterprise_split_map",
    "explanation_waterfall",
    "grade_flows",
    "leaderboard_chart",
    "mentor_graph",
    "occupancy",
    "post_fit_chart",
    "rotation_gantt",
    "scenario_chart",
    "score_distribution",
    "sensitivity_bars",
    "team_balance",
]
