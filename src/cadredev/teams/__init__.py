"""Team and grid formation: balanced grids and cohesive industry teams.

:func:`form_teams` splits a roster into teams of given sizes. Two goals can be
asked for, together or apart:

* **balance** (网格化 grid shuffle): every team's mix of an attribute (cohort,
  unit, line, rank, gender) should match the roster's overall mix;
* **cohesion** (industry teams, immersion groups): the members of a team
  should share a key such as an industry.

:func:`with_grids` writes the teams onto the records' ``grid`` field.
:func:`assign_enterprises` then splits a list of enterprises across the
teams as evenly as possible, optionally keeping an area or industry together.

Algorithms
----------
Balance starts from a *stratified deal*: cadres are sorted into strata (one
stratum per combination of the balanced attributes, strata in a fixed order),
shuffled inside each stratum with the seeded generator, and dealt round-robin
to the teams, each stratum first to the teams holding the least of its
categories so far (leaders count from the start). A swap-based local search
then exchanges two cadres of different teams whenever the exchange lowers the
sum of squared deviations of the teams' shares from the overall shares
without raising the worst deviation, so the result is never worse than the
deal it starts from, and it stops at a local optimum: no single swap is
acceptable. Cadres with the same strata profile are interchangeable, so the
search works on a numpy count matrix (teams x profiles); the swaps of one team
against all others are scored in vectorised blocks, partner teams that
cannot help are pruned by a lower bound, and a team is only re-examined
against teams whose mix changed since it was last examined. The cost grows
with the number of profiles (the product of the attributes' category
counts): a few dozen profiles are fast at 20,000 cadres, several hundred
take noticeably longer.

Cohesion is solved exactly: a team is cohesive when all its members hold one
common key, so the largest number of cohesive teams is an integer program over
*(key set, key)* assignments: choose how many teams of each size are labelled
with each key and which cadres fill them (cadres with equal key sets are
interchangeable, so the program has one variable per cadre type and key, not
per cadre). It is solved with scipy's HiGHS ``milp``. For teams of two it is
the maximum matching of the "shares a key" graph; for larger teams it is the
same count, still exact; ties between equally cohesive splits go, in a
bounded second search, to the one using the most different keys. Balance is
then improved by swapping cadres with equal key sets only, which never changes
any team's shared keys.

.. versionadded:: 0.1
"""

from __future__ import annotations

from ._enterprises import EnterpriseSplit, assign_enterprises
from ._form import form_teams
from ._grids import grid_names, with_grids
from ._result import Teams, TeamsReport

__all__ = [
    "EnterpriseSplit",
    "Teams",
    "TeamsReport",
    "assign_enterprises",
    "form_teams",
    "grid_names",
    "with_grids",
]
