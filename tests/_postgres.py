"""A throwaway PostgreSQL cluster for the ledger tests, on a local socket.

Used by ``tests/conftest.py`` when no server is given in
``CADREDEV_POSTGRES_URL``, and by ``.ci/run`` (``python tests/_postgres.py
start DIR`` / ``stop DIR``). The cluster listens on a Unix socket in its own
directory only, never on a network address.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

PORT = 54329


def bindir() -> Path | None:
    """Return the directory of the PostgreSQL server programs, if they are installed."""
    for candidate in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (candidate / "initdb").exists():
            return candidate
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_owner(cmd: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root: run it as the postgres user then.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def url(directory: Path) -> str:
    """Return the SQLAlchemy URL of the cluster in ``directory``."""
    return f"postgresql+psycopg://postgres@/postgres?host={directory}&port={PORT}"


def start(directory: Path) -> str:
    """Create and start a cluster in ``directory``; return its URL."""
    bin_ = bindir()
    if bin_ is None:
        msg = "no PostgreSQL server programs installed"
        raise RuntimeError(msg)
    directory.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    data = directory / "data"
    subprocess.run(  # noqa: S603
        _as_owner([str(bin_ / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]),
        check=True,
        capture_output=True,
    )
    options = f"-k {directory} -c listen_addresses='' -p {PORT} -c fsync=off"
    subprocess.run(  # noqa: S603
        _as_owner(
            [
                str(bin_ / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-w",
                "-l",
                str(directory / "log"),
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    return url(directory)


def stop(directory: Path) -> None:
    """Stop the cluster in ``directory`` (if it runs) and remove it."""
    bin_ = bindir()
    if bin_ is not None and (directory / "data").exists():
        subprocess.run(  # noqa: S603
            _as_owner([str(bin_ / "pg_ctl"), "-D", str(directory / "data"), "-m", "fast", "stop"]),
            check=False,
            capture_output=True,
        )
    shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def cluster() -> Iterator[str]:
    """Run a cluster for the duration of a ``with`` block and yield its URL."""
    directory = Path(tempfile.mkdtemp(prefix="cadredev-pg-"))
    try:
        yield start(directory)
    finally:
        stop(directory)


if __name__ == "__main__":
    action, where = sys.argv[1], Path(sys.argv[2])
    if action == "start":
        print(start(where))  # noqa: T201
    else:
        stop(where)
