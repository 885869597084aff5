"""Backups: a dated pg_dump of the database, and a restore into a fresh database.

PostgreSQL's own tools do the work (custom format: compressed, restored in
parallel, tables chosen at restore time). They are taken from
BETTERWAY_PG_BIN (``make backup`` names the local server's), else the PATH; the
server's address and credentials come from the settings, the password
through the environment, never the command line.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why."""


@dataclass
class Outcome:
    path: Path
    database: str
    seconds: float
    size_bytes: int


def tool(name: str) -> str:
    """The path of a PostgreSQL client program (pg_dump, pg_restore)."""
    folder = os.environ.get("BETTERWAY_PG_BIN", "")
    if folder and (Path(folder) / name).exists():
        return str(Path(folder) / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(
            f"{name} was not found: install PostgreSQL's client programs "
            "(Debian: postgresql-client) or set BETTERWAY_PG_BIN to their folder."
        )
    return found


def _connection_args(database: str | None = None) -> tuple[list[str], dict[str, str]]:
    params: dict[str, Any] = connection.get_connection_params()
    args = ["--username", str(params["user"]), "--dbname", database or str(params["dbname"])]
    if params.get("host"):
        args += ["--host", str(params["host"])]
    if params.get("port"):
        args += ["--port", str(params["port"])]
    env = {**os.environ}
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed:\n{result.stderr.strip()}")


def backup(folder: Path) -> Outcome:
    """Dump the database to ``folder/<name>-<date>-<time>.dump``."""
    folder.mkdir(parents=True, exist_ok=True)
    name = connection.settings_dict["NAME"]
    path = folder / f"{name}-{timezone.now():%Y%m%d-%H%M%S}.dump"
    args, env = _connection_args()
    started = time.perf_counter()
    _run([tool("pg_dump"), "--format=custom", "--file", str(path), *args], env)
    return Outcome(path, name, time.perf_counter() - started, path.stat().st_size)


def restore(path: Path, database: str, jobs: int = 2) -> Outcome:
    """Create ``database`` (it must not exist) and restore the dump at ``path`` into it."""
    if not path.is_file():
        raise BackupError(f"No backup file at {path}.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone():
            raise BackupError(
                f"The database {database} exists already: restore into a new one, "
                "check it, then switch DATABASE_URL to it."
            )
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(database)}")
    args, env = _connection_args(database)
    started = time.perf_counter()
    _run(
        [
            tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--jobs={jobs}",
            *args,
            str(path),
        ],
        env,
    )
    return Outcome(path, database, time.perf_counter() - started, path.stat().st_size)
