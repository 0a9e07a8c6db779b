"""Person-post fit (人岗匹配度): candidates' competencies against a post's requirements.

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable

from attrs import frozen

from cadredev._display import html_table
from cadredev.errors import InvalidInputError
from cadredev.model import Cadre, FrozenDict, Post

__all__ = ["FitRow", "PostFit", "post_fit"]


@frozen(kw_only=True)
class FitRow:
    """One candidate's fit for a post.

    Attributes
    ----------
    cadre_id
        The candidate.
    fit
        Mean over the post's requirements of ``min(1, level / required)``, in ``[0, 1]``.
    shortfall
        Sum of the missing levels (``required - level`` where positive).
    meets_all
        Whether every requirement is met.
    gaps
        Requirement -> missing level, for the requirements not met.

    Examples
    --------
    >>> from cadredev import Cadre, Post
    >>> post = Post(id="p", unit="u", category="host", requirements={"judgment": 0.8})
    >>> c = Cadre(
    ...     id="a",
    ...     name="a",
    ...     birth_year=1990,
    ...     rank="section",
    ...     unit="u",
    ...     competencies={"judgment": 0.6},
    ... )
    >>> row = post_fit(post, [c]).ranking[0]
    >>> round(row.fit, 2), dict(row.gaps)
    (0.75, {'judgment': 0.2})
    >>> row
    FitRow(#1 a: fit 0.750, shortfall 0.2, short of judgment)

    .. versionadded:: 0.1
    """

    position: int
    cadre_id: str
    fit: float
    shortfall: float
    meets_all: bool
    gaps: FrozenDict[str, float]

    def __repr__(self) -> str:
        short = "meets all" if self.meets_all else "short of " + ", ".join(self.gaps)
        return (
            f"FitRow(#{self.position} {self.cadre_id}: fit {self.fit:.3f}, "
            f"shortfall {self.shortfall:g}, {short})"
        )


@frozen(kw_only=True)
class PostFit:
    """Candidates ranked for a post (see :func:`post_fit`).

    Examples
    --------
    >>> from cadredev import Post
    >>> post_fit(Post(id="p", unit="u", category="host"), []).ranking
    ()
    >>> post_fit(Post(id="p", unit="u", category="host"), [])
    PostFit(post p: 0 candidates)

    .. versionadded:: 0.1
    """

    post_id: str
    ranking: tuple[FitRow, ...]
    excluded: tuple[tuple[str, str], ...]
    """``(cadre id, reason)`` for candidates the post's eligibility rules out."""

    @property
    def cadre_ids(self) -> tuple[str, ...]:
        """Candidate ids, best fit first."""
        return tuple(r.cadre_id for r in self.ranking)

    def __repr__(self) -> str:
        n = len(self.ranking)
        text = f"post {self.post_id}: {n} candidate{'' if n == 1 else 's'}"
        if self.ranking:
            best = self.ranking[0]
            meet = sum(r.meets_all for r in self.ranking)
            text += f", best {best.cadre_id} (fit {best.fit:.3f}), {meet} meet all requirements"
        if self.excluded:
            text += f"; {len(self.excluded)} not eligible"
        return f"PostFit({text})"

    def _repr_html_(self) -> str:
        return html_table(
            repr(self),
            ("#", "cadre", "fit", "shortfall", "meets all"),
            [(r.position, r.cadre_id, r.fit, r.shortfall, r.meets_all) for r in self.ranking],
        )


def post_fit(post: Post, cadres: Iterable[Cadre], *, as_of: int | None = None) -> PostFit:
    """Rank candidates for a post by how well their competencies meet its requirements.

    Each requirement counts equally: a candidate at or above the required
    level scores 1 on it, below it ``level / required`` (a competency the
    candidate lacks is level 0). The ranking is by fit (higher first), then
    total shortfall (smaller first), then cadre id. Candidates the post's
    :class:`~cadredev.Eligibility` rules out are listed in ``excluded`` with
    the reasons. A post without requirements fits everyone fully.

    Parameters
    ----------
    post
        The post.
    cadres
        The candidates.
    as_of
        The reference year for eligibility by cohort.

    Returns
    -------
    PostFit

    Raises
    ------
    InvalidInputError
        For a candidate that is not a :class:`~cadredev.Cadre` or duplicate ids.

    Examples
    --------
    >>> from cadredev import Cadre, Post
    >>> post = Post(id="p", unit="u", category="host", requirements={"judgment": 0.6})
    >>> a = Cadre(
    ...     id="a",
    ...     name="a",
    ...     birth_year=1990,
    ...     rank="section",
    ...     unit="u",
    ...     competencies={"judgment": 0.3},
    ... )
    >>> b = Cadre(
    ...     id="b",
    ...     name="b",
    ...     birth_year=1990,
    ...     rank="section",
    ...     unit="u",
    ...     competencies={"judgment": 0.9},
    ... )
    >>> result = post_fit(post, [a, b])
    >>> result.cadre_ids, result.ranking[1].fit
    (('b', 'a'), 0.5)

    .. versionadded:: 0.1
    """
    if not isinstance(post, Post):
        raise InvalidInputError(f"post_fit: post must be a Post, got {post!r}")
    rows: list[tuple[float, float, str, bool, dict[str, float]]] = []
    excluded: list[tuple[str, str]] = []
    seen: set[str] = set()
    for c in cadres:
        if not isinstance(c, Cadre):
            raise InvalidInputError(f"post_fit: candidates must be Cadre records, got {c!r}")
        if c.id in seen:
            raise InvalidInputError(f"post_fit: duplicate candidate id {c.id!r}")
        seen.add(c.id)
        reasons = post.eligibility.reasons(c, as_of=as_of)
        if reasons:
            excluded.append((c.id, "; ".join(reasons)))
            continue
        parts = []
        gaps: dict[str, float] = {}
        for name, need in post.requirements.items():
            have = c.competencies.get(name, 0.0)
            parts.append(1.0 if need <= 0 or have >= need else have / need)
            if have < need:
                gaps[name] = round(need - have, 12)
        fit = sum(parts) / len(parts) if parts else 1.0
        rows.append((fit, sum(gaps.values()), c.id, not gaps, gaps))
    rows.sort(key=lambda r: (-r[0], r[1], r[2]))
    ranking = tuple(
        FitRow(
            position=k + 1,
            cadre_id=cid,
            fit=fit,
            shortfall=short,
            meets_all=ok,
            gaps=FrozenDict(gaps),
        )
        for k, (fit, short, cid, ok, gaps) in enumerate(rows)
    )
    return PostFit(post_id=post.id, ranking=ranking, excluded=tuple(sorted(excluded)))
