"""Scoring mentee-mentor pairs: each side's features once, then numpy per block of mentees.

Every record is read once into arrays (levels, industries, units, grids,
cohorts); a block of mentees is then scored against every mentor without
touching a record again. Each contribution is rounded to six decimals
after weighting, exactly as documented by :class:`~cadredev.matching.Criteria`,
so equal inputs give bit-equal weights whatever the block size.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cadredev.model import Cadre, Cohort, Mentor, cohort_of

from ._criteria import Criteria

__all__ = ["ROUND", "Scorer", "best_cells", "top_k_mask"]

ROUND = 6
"""Decimals each weighted contribution is rounded to."""
_BLOCK_CELLS = 1_000_000  # mentee-mentor pairs scored at once (a few arrays of this size)
_COHORT_ORDER = {Cohort.YOUNG: 0, Cohort.MIDDLE: 1, Cohort.OLD: 2}
_NO_COHORT = -9.0  # a mentor without a known cohort is never older


def _rounded(values: np.ndarray, weight: float) -> np.ndarray:
    """Return ``values * weight`` rounded to :data:`ROUND` decimals, without ``-0.0``."""
    out: np.ndarray = np.multiply(values, weight)
    np.round(out, ROUND, out=out)
    out += 0.0
    return out


def _codes(
    left: Sequence[str | None], right: Sequence[str | None]
) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of two label lists over their common vocabulary (``None`` -> -1 / -2)."""
    vocab = {u: k for k, u in enumerate(sorted({x for x in (*left, *right) if x}))}
    a = np.array([vocab[x] if x else -1 for x in left], dtype=np.int64)
    b = np.array([vocab[x] if x else -2 for x in right], dtype=np.int64)
    return a, b


@dataclass(frozen=True)
class Scorer:
    """The mentees scored against every mentor, by blocks of mentee positions.

    ``forbid`` and ``previous`` map a mentee position to mentor positions.
    """

    cadres: Sequence[Cadre]
    advisors: Sequence[Mentor]
    criteria: Criteria
    forbid: Mapping[int, list[int]]
    previous: Mapping[int, list[int]]

    @property
    def n(self) -> int:
        """How many mentees."""
        return len(self.cadres)

    @functools.cached_property
    def chunk(self) -> int:
        """Mentees scored at once."""
        return max(1, _BLOCK_CELLS // max(1, len(self.advisors)))

    @property
    def pair_chunk(self) -> int:
        """Pairs scored at once by :meth:`score_pairs`."""
        return max(1, _BLOCK_CELLS)

    @functools.cached_property
    def weights(self) -> dict[str, float]:
        """The non-zero criterion weights, in criterion order."""
        return self.criteria.weights()

    # ---------------------------------------------------------------- features

    @functools.cached_property
    def units(self) -> tuple[np.ndarray, np.ndarray]:
        a, b = _codes([c.unit for c in self.cadres], [x.unit for x in self.advisors])
        return a, b

    @functools.cached_property
    def grids(self) -> tuple[np.ndarray, np.ndarray]:
        return _codes([c.grid for c in self.cadres], [x.grid for x in self.advisors])

    @functools.cached_property
    def levels(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mentee levels (and which they have) and mentor levels, by competency name."""
        names = sorted(
            {k for c in self.cadres for k in c.competencies}
            | {k for x in self.advisors for k in x.competencies}
        )
        index = {c: k for k, c in enumerate(names)}
        levels_a = np.zeros((len(self.cadres), len(names)))
        present = np.zeros((len(self.cadres), len(names)), dtype=bool)
        for i, c in enumerate(self.cadres):
            for name, level in c.competencies.items():
                levels_a[i, index[name]] = level
                present[i, index[name]] = True
        levels_b = np.zeros((len(self.advisors), len(names)))
        for j, mentor in enumerate(self.advisors):
            for name, level in mentor.competencies.items():
                levels_b[j, index[name]] = level
        return levels_a, present, levels_b

    @functools.cached_property
    def own(self) -> tuple[np.ndarray, np.ndarray]:
        """Mentee levels by competency (``+inf`` where absent: no gap), and competency counts."""
        levels_a, present, _ = self.levels
        return np.where(present, levels_a, np.inf).T.copy(), present.sum(axis=1)

    @functools.cached_property
    def theirs(self) -> np.ndarray:
        """Mentor levels by competency."""
        return self.levels[2].T.copy()

    @functools.cached_property
    def weakest(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each mentee's weakest competency (ties by name), its level, and whether it has one."""
        levels_a, present, _ = self.levels
        n, kc = present.shape
        has = np.asarray(present.any(axis=1), dtype=bool)
        if not kc:
            return np.zeros(n, dtype=np.int64), np.zeros(n), has
        weak = np.argmin(np.where(present, levels_a, np.inf), axis=1)
        return weak, levels_a[np.arange(n), weak], has

    @functools.cached_property
    def industries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Mentee industry indicators and counts, mentor indicators (transposed).

        Only the mentees' industries count.
        """
        names = sorted({k for c in self.cadres for k in c.industries})
        index = {c: k for k, c in enumerate(names)}
        ia = np.zeros((len(self.cadres), len(names)))
        for i, c in enumerate(self.cadres):
            ia[i, [index[k] for k in c.industries]] = 1.0
        ib = np.zeros((len(names), len(self.advisors)))
        for j, mentor in enumerate(self.advisors):
            ib[[index[k] for k in mentor.industries if k in index], j] = 1.0
        return ia, ia.sum(axis=1), ib

    @functools.cached_property
    def industry_bits(self) -> tuple[np.ndarray, np.ndarray] | None:
        """The industry indicators as bit masks of mentees and mentors.

        ``None`` beyond 64 industries or without :func:`numpy.bitwise_count`
        (numpy before 2.0): shared industries are then counted by a product.
        """
        ia, _, ib = self.industries
        if len(ib) > 64 or not hasattr(np, "bitwise_count"):
            return None
        bits_a = np.zeros(len(ia), dtype=np.uint64)
        bits_b = np.zeros(ib.shape[1], dtype=np.uint64)
        for k in range(len(ib)):
            bits_a |= (ia[:, k] > 0).astype(np.uint64) << np.uint64(k)
            bits_b |= (ib[k] > 0).astype(np.uint64) << np.uint64(k)
        return bits_a, bits_b

    @functools.cached_property
    def cohorts(self) -> tuple[np.ndarray, np.ndarray]:
        """Cohort order of mentees and mentors (young 0, middle 1, old 2; unknown mentor -9)."""
        as_of = self.criteria.as_of
        if as_of is None:
            return np.zeros(len(self.cadres)), np.zeros(len(self.advisors))

        @functools.cache
        def order(year: int) -> float:
            return float(_COHORT_ORDER[cohort_of(year, as_of=as_of)])

        ca = np.array([order(c.birth_year) for c in self.cadres], dtype=np.float64)
        cb = np.array(
            [
                order(x.birth_year)
                if x.birth_year is not None and x.birth_year <= as_of
                else _NO_COHORT
                for x in self.advisors
            ],
            dtype=np.float64,
        )
        return ca, cb

    # ---------------------------------------------------------------- scoring

    def score(
        self, rows: np.ndarray, cols: np.ndarray | None = None
    ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
        """Return the contributions, totals and the pairs not cut of the mentees ``rows``.

        Each is a matrix, mentees ``rows`` by every mentor (or by the
        mentors ``cols``, in increasing position). Cut pairs are those a
        hard filter, ``min_weight`` or ``forbid`` removes.
        """
        to = np.arange(len(self.advisors)) if cols is None else cols
        at = rows[:, None]
        comps = self._contributions(at, to[None, :])
        total = self._total(comps, (len(rows), len(to)))
        mask = self._filters(at, to[None, :])
        if self.criteria.min_weight is not None:
            mask &= total >= self.criteria.min_weight
        for i, r in enumerate(rows.tolist()):
            if r in self.forbid and len(to):
                js = np.array(self.forbid[r], dtype=np.int64)
                pos = np.minimum(np.searchsorted(to, js), len(to) - 1)
                hit = to[pos] == js
                mask[i, pos[hit]] = False
        return comps, total, mask

    def score_pairs(
        self, rows: np.ndarray, cols: np.ndarray
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Return the contributions and totals of the pairs ``(rows[e], cols[e])``.

        The same arithmetic as :meth:`score`, element by element, so the
        values are equal to the bit.
        """
        comps = self._contributions(rows, cols)
        return comps, self._total(comps, rows.shape)

    @staticmethod
    def _total(comps: Mapping[str, np.ndarray], shape: tuple[int, ...]) -> np.ndarray:
        total = np.zeros(shape)
        for part in comps.values():  # in criterion order: the weight is their sum
            total += part
        return total

    # The criteria take mentee positions ``at`` and mentor positions ``to``
    # that broadcast together: a column and a row for a block, or two
    # vectors for a list of pairs.

    def _filters(self, at: np.ndarray, to: np.ndarray) -> np.ndarray:
        """Mask of the pairs the hard filters keep."""
        criteria = self.criteria
        mask = np.ones(np.broadcast_shapes(at.shape, to.shape), dtype=bool)
        if criteria.same_unit_only:
            ua, ub = self.units
            mask &= ua[at] == ub[to]
        if criteria.same_grid_only:
            ga, gb = self.grids
            mask &= ga[at] == gb[to]
        if criteria.cover_weakest is not None:
            gap = self._weakest_gap(at, to)
            mask &= (gap >= criteria.cover_weakest - 1e-12) | ~self.weakest[2][at]
        return mask

    def _weakest_gap(self, at: np.ndarray, to: np.ndarray) -> np.ndarray:
        """Mentor level minus mentee level on the mentee's weakest competency (0 without any)."""
        weak, level, has = self.weakest
        shape = np.broadcast_shapes(at.shape, to.shape)
        if not self.theirs.shape[0]:
            return np.zeros(shape)
        gap = self.theirs[weak[at], to] - level[at]
        return np.where(has[at], gap, 0.0)

    def _contributions(self, at: np.ndarray, to: np.ndarray) -> dict[str, np.ndarray]:
        """Return each criterion's weighted, rounded contribution, in criterion order."""
        out: dict[str, np.ndarray] = {}
        for name, weight in self.weights.items():
            out[name] = getattr(self, f"_c_{name}")(at, to, weight)
        return out

    def _c_industries(self, at: np.ndarray, to: np.ndarray, weight: float) -> np.ndarray:
        ia, count, ib = self.industries
        bits = self.industry_bits
        if bits is not None:
            common = np.bitwise_count(bits[0][at] & bits[1][to])
        elif at.ndim == 2:  # a block: one product
            common = (ia[at[:, 0]] @ ib[:, to[0]]).astype(np.int64)
        else:
            common = np.einsum("ek,ek->e", ia[at], ib.T[to]).astype(np.int64)
        # the weighted share of k shared industries out of c is table[c, k]
        size = len(ib) + 1
        shared = np.arange(size, dtype=np.float64)
        of = shared[:, None]
        share = np.zeros((size, size))
        np.divide(shared[None, :], of, out=share, where=of > 0)
        table = _rounded(share, weight).ravel()
        key = np.add(common, count[at].astype(np.int64) * size, dtype=np.int64)
        out: np.ndarray = table.take(key)
        return out

    def _c_gap_cover(self, at: np.ndarray, to: np.ndarray, weight: float) -> np.ndarray:
        own, count = self.own
        theirs = self.theirs
        shape = np.broadcast_shapes(at.shape, to.shape)
        total = np.zeros(shape)
        gap = np.empty(shape)
        for k in range(len(theirs)):
            np.subtract(theirs[k][to], own[k][at], out=gap)
            np.add(total, np.maximum(gap, 0.0, out=gap), out=total)
        # without competencies every gap is 0: dividing by 1 keeps it
        total /= np.maximum(count[at], 1)
        return _rounded(total, weight)

    def _c_weakest(self, at: np.ndarray, to: np.ndarray, weight: float) -> np.ndarray:
        gap = self._weakest_gap(at, to)
        return _rounded(np.maximum(gap, 0.0, out=gap), weight)

    def _c_cross_unit(self, at: np.ndarray, to: np.ndarray, weight: float) -> np.ndarray:
        ua, ub = self.units
        return self._indicator(ua[at] != ub[to], weight)

    def _c_same_grid(self, at: np.ndarray, to: np.ndarray, weight: float) -> np.ndarray:
        ga, gb = self.grids
        return self._indicator(ga[at] == gb[to], weight)

    @staticmethod
    def _indicator(where: np.ndarray, weight: float) -> np.ndarray:
        """Return a 0/1 criterion weighted and rounded (as :func:`_rounded` would)."""
        on = _rounded(np.ones(1), weight)[0]
        return np.where(where, on, 0.0)

    @functools.cached_property
    def _cohort_codes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The distinct cohort orders of each side and each one's index among them."""
        ca, cb = self.cohorts
        levels_a, code_a = np.unique(ca, return_inverse=True)
        levels_b, code_b = np.unique(cb, return_inverse=True)
        return levels_a, code_a, levels_b, code_b

    def _c_cohort_gap(self, at: np.ndarray, to: np.ndarray, weight: float) -> np.ndarray:
        # few cohorts: the weighted gap of each (mentee cohort, mentor cohort) from a table
        levels_a, code_a, levels_b, code_b = self._cohort_codes
        gap = np.subtract(levels_b[None, :], levels_a[:, None])
        np.maximum(gap, 0.0, out=gap)
        gap /= 2.0
        table = _rounded(gap, weight).ravel()
        out: np.ndarray = table.take(code_a[at] * len(levels_b) + code_b[to])
        return out

    @functools.cached_property
    def _previous_keys(self) -> np.ndarray:
        """The previous pairs as ``mentee * mentors + mentor``, sorted."""
        m = len(self.advisors)
        keys = sorted(i * m + j for i, js in self.previous.items() for j in js)
        return np.array(keys, dtype=np.int64)

    def _c_previous_mentor(self, at: np.ndarray, to: np.ndarray, weight: float) -> np.ndarray:
        if at.ndim == 2 and to.shape[-1] == len(self.advisors):  # a block of every mentor
            was = np.zeros((len(at), len(self.advisors)))
            for i, r in enumerate(at[:, 0].tolist()):
                if r in self.previous:
                    was[i, self.previous[r]] = 1.0
        else:
            m = len(self.advisors)
            known = self._previous_keys
            key = at.astype(np.int64) * m + to
            pos = np.minimum(np.searchsorted(known, key), max(len(known) - 1, 0))
            was = (known[pos] == key).astype(np.float64) if len(known) else np.zeros(key.shape)
        return _rounded(was, weight)


# --------------------------------------------------------------------------
# each row's best cells


def top_k_mask(
    total: np.ndarray, keep: np.ndarray, k: int, role_of: np.ndarray, n_roles: int
) -> np.ndarray:
    """Mask of each row's ``k`` best kept columns within each role (ties by column)."""
    score = total if keep.all() else np.where(keep, total, -np.inf)
    top = np.zeros_like(keep)
    if n_roles == 1:
        r, c, _ = best_cells(score, k)
        top[r, c] = True
        return top
    for role in range(n_roles):
        cols = np.flatnonzero(role_of == role)
        r, c, _ = best_cells(score[:, cols], k)
        top[r, cols[c]] = True
    return top


def best_cells(score: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Return the ``k`` best cells of each row and their rank in it.

    Cells are ordered by row, then score descending, then column (ties
    by column); cells at ``-inf`` are never selected. On long rows, the
    ``k``-th largest of the row's chunk maxima is at most the row's
    ``k``-th best score (``k`` chunks reach it), so only the cells at or
    above it are sorted; rows with many cells there (ties) are cut by a
    pass over the whole row first.
    """
    n, m = score.shape
    if m <= k:
        r, c = np.nonzero(score > -np.inf)
    elif m < 32 * k:  # short rows: one pass over each is cheaper
        r, c = _top_k_dense(score, k)
    else:
        chunks = min(m, max(4 * k, 64))
        starts = (np.arange(chunks) * m) // chunks
        peaks = np.maximum.reduceat(score, starts, axis=1)
        low = np.partition(peaks, chunks - k, axis=1)[:, chunks - k]
        r, c = np.nonzero(score >= low[:, None])
        tied = np.bincount(r, minlength=n) > 8 * k + 64
        if tied.any():
            dense_r, dense_c = _top_k_dense(score[tied], k)
            sparse = ~tied[r]
            r = np.concatenate((r[sparse], np.flatnonzero(tied)[dense_r]))
            c = np.concatenate((c[sparse], dense_c))
    s = score[r, c]
    finite = s > -np.inf
    r, c, s = r[finite], c[finite], s[finite]
    order = np.lexsort((c, -s, r))
    r, c = r[order], c[order]
    rank = np.arange(len(r)) - np.searchsorted(r, r)
    best = rank < k
    return r[best], c[best], rank[best]


def _top_k_dense(score: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the ``k`` best cells of each row (``k`` < columns), by a pass over each row."""
    m = score.shape[1]
    kth = np.partition(score, m - k, axis=1)[:, m - k : m - k + 1]  # the k-th best per row
    better = score > kth
    ties = score == kth
    need = k - better.sum(axis=1, keepdims=True)
    chosen = better | (ties & (np.cumsum(ties, axis=1) <= need))
    r, c = np.nonzero(chosen)
    return r, c
