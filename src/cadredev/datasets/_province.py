"""A sample province: many zones built by the sample zone's rules, of different sizes."""

from __future__ import annotations

import numpy as np

from cadredev._validate import check_seed, is_int
from cadredev.errors import InvalidInputError

from ._zone import _UNITS, Zone, build_zone

__all__ = ["sample_province"]

_BASE_CADRES = sum(size for _, size, _ in _UNITS)
_BASE_ENTERPRISES = 1600


def _check_range(cadres: object) -> tuple[int, int]:
    if (
        not isinstance(cadres, tuple)
        or len(cadres) != 2
        or not all(is_int(v) for v in cadres)
        or not 24 <= cadres[0] <= cadres[1]
    ):
        raise InvalidInputError(
            f"sample_province: cadres must be (smallest, largest) with 24 <= smallest <= largest, "
            f"got {cadres!r}"
        )
    return int(cadres[0]), int(cadres[1])


def sample_province(
    n_zones: int = 30, seed: int | None = 0, *, cadres: tuple[int, int] = (200, 5000)
) -> tuple[Zone, ...]:
    """Return the zones of a synthetic province, each built by the sample zone's rules.

    Zone sizes are spread evenly on a log scale from the smallest to the
    largest, then shuffled; each zone keeps the sample zone's twelve units in
    proportion, its programs, posts (host posts, stationed offices,
    secondments, frontline posts), scheme and a year of records, with
    enterprises in proportion to its cadres. Zone ``k`` is built with its
    own seed drawn from ``seed``.

    Parameters
    ----------
    n_zones
        How many zones (at least 1).
    seed
        Equal seeds give equal provinces.
    cadres
        ``(smallest, largest)`` zone size in cadres.

    Returns
    -------
    tuple of Zone
        Named ``示范区01``, ``示范区02``, ...

    Examples
    --------
    >>> from cadredev.datasets import sample_province
    >>> zones = sample_province(n_zones=3, cadres=(200, 400))
    >>> [(z.name, len(z.cadres)) for z in zones]
    [('示范区01', 400), ('示范区02', 201), ('示范区03', 283)]

    .. versionadded:: 0.3
    """
    if not is_int(n_zones) or n_zones < 1:
        raise InvalidInputError(
            f"sample_province: n_zones must be an integer >= 1, got {n_zones!r}"
        )
    checked = check_seed(seed, where="sample_province")
    if isinstance(checked, np.random.Generator):
        raise InvalidInputError("sample_province: seed must be None or an integer >= 0")
    low, high = _check_range(cadres)
    rng = np.random.default_rng(checked)
    sizes = np.rint(np.geomspace(low, high, int(n_zones))).astype(int)
    sizes = sizes[rng.permutation(len(sizes))]
    seeds = rng.integers(2**31, size=len(sizes))
    zones = []
    for k, (size, zone_seed) in enumerate(zip(sizes.tolist(), seeds.tolist(), strict=True)):
        scale = size / _BASE_CADRES
        units = [(unit, max(2, round(n * scale)), mix) for unit, n, mix in _UNITS]
        zones.append(
            build_zone(
                int(zone_seed),
                name=f"示范区{k + 1:02d}",
                units=units,
                n_enterprises=max(1, round(_BASE_ENTERPRISES * scale)),
            )
        )
    return tuple(zones)
