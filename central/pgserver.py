"""A PostgreSQL server found or started: for `onewindow district` and the tests.

Where the server comes from, in order:
1. an environment variable (its name given by the caller) holding a libpq DSN of a
   server to use (a role that may CREATE DATABASE), or `throwaway` to force step 3;
2. a server the caller expects (127.0.0.1:5432 as `postgres`, or the one the district's
   `[centre].database` names), if it answers;
3. a throwaway cluster from Debian's `postgresql` package (`initdb` and `pg_ctl` under
   /usr/lib/postgresql/<version>/bin) on a temporary folder and a free port, run as an
   unprivileged user because initdb refuses root, and stopped and deleted at the end.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
from psycopg import sql

LOCAL = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=2"
THROWAWAY = "throwaway"
PG_ROOT = Path("/usr/lib/postgresql")


def answers(dsn: str) -> bool:
    try:
        with psycopg.connect(dsn, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def pg_bin() -> Path:
    """The newest installed server's binaries folder."""
    versions = sorted(
        (d for d in PG_ROOT.glob("*") if (d / "bin" / "initdb").exists()),
        key=lambda d: int(d.name) if d.name.isdigit() else 0,
    )
    if not versions:
        raise RuntimeError(
            "没有找到 PostgreSQL no PostgreSQL found: point the environment variable at a "
            "server, or install Debian's `postgresql` (scripts/system-packages.sh does)"
        )
    return versions[-1] / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Throwaway:
    """A private cluster: initdb, start on a free port, stop and delete at the end."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="onewindow-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.user = unprivileged_user()
        self.dsn = f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"

    def _run(self, *args: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if os.geteuid() == 0 else []
        subprocess.run(
            [*prefix, *args],
            check=True,
            capture_output=True,
            timeout=120,
            start_new_session=True,  # a Ctrl+C meant for our caller must not hit pg_ctl
        )

    def start(self) -> str:
        if os.geteuid() == 0:
            ids = pwd.getpwnam(self.user)
            os.chown(self.dir, ids.pw_uid, ids.pw_gid)
        bin_dir = pg_bin()
        self._run(
            str(bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )
        # Only loopback TCP on our own port, the socket in our folder: the machine's own
        # server (5432, /var/run/postgresql) is never touched.
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(bin_dir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.dir / "log"),
            "-w",
            "-t",
            "60",
            "start",
        )
        return self.dsn

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError, RuntimeError):
            self._run(str(pg_bin() / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)


def unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise RuntimeError("no unprivileged user (postgres or nobody) to run initdb as")


@contextlib.contextmanager
def server(env: str, expected: str = LOCAL) -> Iterator[str]:
    """A DSN of a maintenance database on a server, by the rules at the top."""
    chosen = os.environ.get(env, "").strip()
    if chosen and chosen != THROWAWAY:
        yield chosen
        return
    if not chosen and answers(expected):
        yield expected
        return
    cluster = Throwaway()
    try:
        yield cluster.start()
    finally:
        cluster.stop()


def with_database(dsn: str, name: str) -> str:
    return psycopg.conninfo.make_conninfo(dsn, dbname=name)


def database_of(dsn: str) -> str:
    """The `dbname` a DSN names (libpq's default is the user's name)."""
    params = psycopg.conninfo.conninfo_to_dict(dsn)
    return str(params.get("dbname") or params.get("user") or "postgres")


def create_database(admin_dsn: str, name: str, template: str | None = None) -> None:
    query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(query)


def ensure_database(admin_dsn: str, name: str) -> bool:
    """Create database `name` unless it exists; True when it was created."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if found:
        return False
    create_database(admin_dsn, name)
    return True


def drop_database(admin_dsn: str, name: str) -> None:
    query = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(query)
