"""The ``cadredev`` command line.

``cadredev demo`` runs on the embedded sample zone; every subcommand prints a
readable report or ``--format json``. Bad input prints one line to stderr and
exits with status 2, never a traceback.

.. versionadded:: 0.1
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from ._version import __version__
from .errors import CadreError

__all__ = ["main"]

EXIT_OK = 0
EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _demo(args: argparse.Namespace) -> dict[str, Any]:
    from .datasets import sample_zone  # noqa: PLC0415

    zone = sample_zone(seed=args.seed)
    if args.format == "text":
        print(zone.describe())
    return {
        "zone": zone.name,
        "as_of": zone.as_of,
        "cadres": len(zone.cadres),
        "mentors": len(zone.mentors),
        "posts": len(zone.posts),
        "enterprises": len(zone.enterprises),
    }


def _sample(args: argparse.Namespace) -> dict[str, Any]:
    from pathlib import Path  # noqa: PLC0415

    from .datasets import sample_zone  # noqa: PLC0415
    from .io import save_json, write_roster_csv  # noqa: PLC0415

    zone = sample_zone(seed=args.seed)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    written = {
        "zone": out / "zone.json",
        "roster": out / "cadres.csv",
    }
    save_json(zone, written["zone"])
    write_roster_csv(zone.cadres, written["roster"])
    if args.format == "text":
        for what, path in written.items():
            print(f"wrote {what:<8} {path}")
    return {what: str(path) for what, path in written.items()}


def _build_parser() -> _Parser:
    parser = _Parser(
        prog="cadredev",
        description="Mentor matching, rotation scheduling and incentive scoring for cadres.",
    )
    parser.add_argument("--version", action="version", version=f"cadredev {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    demo = sub.add_parser("demo", help="run on the embedded sample zone and print a report")
    demo.add_argument("--seed", type=int, default=0, help="seed of the sample zone (default 0)")
    demo.add_argument("--format", choices=("text", "json"), default="text")
    demo.set_defaults(run=_demo)
    sample = sub.add_parser("sample", help="write the sample zone as JSON and CSV files")
    sample.add_argument("--out", required=True, help="directory to write into")
    sample.add_argument("--seed", type=int, default=0)
    sample.add_argument("--format", choices=("text", "json"), default="text")
    sample.set_defaults(run=_sample)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    Parameters
    ----------
    argv
        Arguments without the program name; ``None`` reads ``sys.argv``.

    Returns
    -------
    int
        0 on success, 2 on bad input (after one line on stderr).

    Examples
    --------
    >>> main(["--version"])
    Traceback (most recent call last):
    ...
    SystemExit: 0
    >>> main(["demo", "--format", "json"])  # doctest: +ELLIPSIS
    {"zone": "Sample development zone", "as_of": 2025, "cadres": 246, ...}
    0

    .. versionadded:: 0.1
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        result = args.run(args)
    except (CadreError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"cadredev {args.command}: error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.format == "json":
        print(json.dumps(result, ensure_ascii=False))
    return EXIT_OK
